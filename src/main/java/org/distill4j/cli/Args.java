package org.distill4j.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.distill4j.config.ConfigException;
import org.distill4j.config.Suggest;

/**
 * Command-line flags in PaddleSeg's style: {@code --name value}, {@code --name=value} and bare
 * switches such as {@code --do_eval}. Unknown flags are an error that lists the valid ones.
 */
public final class Args {
  private final String command;
  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();

  private Args(String command) {
    this.command = command;
  }

  /**
   * Parses {@code argv} for {@code command}.
   *
   * @param switches flags that take no value
   * @param options flags that take one value
   */
  public static Args parse(
      String command, String[] argv, Set<String> switches, Set<String> options) {
    Args args = new Args(command);
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        args.positional.add(a);
        continue;
      }
      String name = a.substring(2);
      if (name.equals("help")) {
        Set<String> all = new TreeSet<>(switches);
        all.addAll(options);
        throw new HelpRequested("flags: --" + String.join(", --", all));
      }
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (switches.contains(name)) {
        args.values.put(name, value == null ? "true" : value);
      } else if (options.contains(name)) {
        if (value == null) {
          if (i + 1 >= argv.length) {
            throw new ConfigException(command + ": --" + name + " needs a value");
          }
          value = argv[++i];
        }
        args.values.put(name, value);
      } else {
        Set<String> all = new TreeSet<>(switches);
        all.addAll(options);
        String closest = Suggest.closest(name, all);
        throw new ConfigException(
            command
                + ": unknown flag --"
                + name
                + (closest == null ? "" : " (did you mean --" + closest + "?)")
                + "; valid flags: --"
                + String.join(", --", all));
      }
    }
    return args;
  }

  /** Thrown by {@link #parse} for {@code --help}; the message lists the command's flags. */
  static final class HelpRequested extends RuntimeException {
    HelpRequested(String message) {
      super(message);
    }
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public boolean flag(String name) {
    return "true".equalsIgnoreCase(values.getOrDefault(name, "false"));
  }

  public String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public String require(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new ConfigException(command + ": --" + name + " is required");
    }
    return v;
  }

  public Path path(String name) {
    return Paths.get(require(name));
  }

  public Path optPath(String name) {
    String v = values.get(name);
    return v == null ? null : Paths.get(v);
  }

  public Integer optInt(String name) {
    String v = values.get(name);
    if (v == null) {
      return null;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(command + ": --" + name + " expects an integer, got '" + v + "'");
    }
  }

  public int intValue(String name, int fallback) {
    Integer v = optInt(name);
    return v == null ? fallback : v;
  }

  public Double optDouble(String name) {
    String v = values.get(name);
    if (v == null) {
      return null;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(command + ": --" + name + " expects a number, got '" + v + "'");
    }
  }

  public List<String> positional() {
    return positional;
  }
}
