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
 * Command-line flags as PaddleSeg's argparse scripts read them: {@code --name value}, {@code
 * --name=value} and bare switches such as {@code --do_eval}. Being exact where argparse is exact:
 *
 * <ul>
 *   <li>a flag that takes a value never takes the next token when that token is itself a flag
 *       ({@code --save_dir --do_eval} is an error, not a folder named {@code --do_eval}); a value
 *       that starts with a dash is given as {@code --save_dir=--odd};
 *   <li>a switch takes no value: {@code --do_eval=true} is an error, and so is {@code --do_eval
 *       true} for a command without positional arguments (argparse's "unrecognized arguments");
 *   <li>a stray word is an error unless the command takes positional arguments (only {@code
 *       notebook} does); after {@code --} every token is positional.
 * </ul>
 *
 * Unknown flags are an error that suggests the closest and lists the valid ones.
 */
public final class Args {
  private final String command;
  private final List<String> argv;
  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();

  private Args(String command, String[] argv) {
    this.command = command;
    this.argv = List.of(argv);
  }

  /**
   * Parses {@code argv} for a {@code command} that takes no positional arguments.
   *
   * @param switches flags that take no value
   * @param options flags that take one value
   */
  public static Args parse(
      String command, String[] argv, Set<String> switches, Set<String> options) {
    return parse(command, argv, switches, options, null);
  }

  /**
   * Parses {@code argv} for {@code command}.
   *
   * @param switches flags that take no value
   * @param options flags that take one value
   * @param positionalName what the command's positional arguments are (for example {@code
   *     "FILE.ipynb"}), or null when it takes none
   */
  public static Args parse(
      String command,
      String[] argv,
      Set<String> switches,
      Set<String> options,
      String positionalName) {
    Args args = new Args(command, argv);
    boolean onlyPositional = false;
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (onlyPositional || !looksLikeFlag(a)) {
        args.addPositional(a, positionalName, i == 0 ? null : argv[i - 1], switches);
        continue;
      }
      if (a.equals("--")) {
        onlyPositional = true;
        continue;
      }
      if (a.equals("--help") || a.equals("-h")) {
        throw new HelpRequested("flags: --" + String.join(", --", all(switches, options)));
      }
      if (!a.startsWith("--")) {
        throw new ConfigException(
            command
                + ": "
                + a
                + " is not a flag; flags start with two dashes"
                + suggestion(a.substring(1), switches, options));
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (switches.contains(name)) {
        args.putSwitch(name, value);
      } else if (options.contains(name)) {
        if (value == null) {
          value = args.nextValue(name, argv, ++i);
        } else if (value.isEmpty()) {
          throw new ConfigException(command + ": --" + name + "= has an empty value; give one");
        }
        args.values.put(name, value);
      } else {
        throw new ConfigException(
            command
                + ": unknown flag --"
                + name
                + suggestion(name, switches, options)
                + "; valid flags: --"
                + String.join(", --", all(switches, options)));
      }
    }
    return args;
  }

  /** A switch is on when given; {@code --name=value} is refused, as argparse refuses it. */
  private void putSwitch(String name, String value) {
    if (value != null) {
      throw new ConfigException(
          command
              + ": --"
              + name
              + " is a switch and takes no value (got '"
              + value
              + "'): give --"
              + name
              + " to turn it on, leave it out to keep it off");
    }
    values.put(name, "true");
  }

  /** The value of {@code --name} at {@code argv[i]}: present, and not itself a flag. */
  private String nextValue(String name, String[] argv, int i) {
    if (i >= argv.length) {
      throw new ConfigException(command + ": --" + name + " needs a value");
    }
    String next = argv[i];
    if (looksLikeFlag(next)) {
      throw new ConfigException(
          command
              + ": --"
              + name
              + " needs a value, got the flag "
              + next
              + "; write --"
              + name
              + "="
              + next
              + " if that is really the "
              + (isPathFlag(name) ? "path" : "value"));
    }
    return next;
  }

  private void addPositional(
      String token, String positionalName, String previous, Set<String> switches) {
    if (positionalName != null) {
      positional.add(token);
      return;
    }
    if (previous != null && previous.startsWith("--") && switches.contains(previous.substring(2))) {
      throw new ConfigException(
          command
              + ": unexpected '"
              + token
              + "' after "
              + previous
              + ", which is a switch and takes no value: give "
              + previous
              + " to turn it on, leave it out to keep it off");
    }
    throw new ConfigException(
        command
            + ": unexpected argument '"
            + token
            + "'; "
            + command
            + " takes only flags, each value after its flag (--name value or --name=value)");
  }

  /**
   * Whether a token is a flag rather than a value: it starts with a dash followed by a letter or a
   * dash ({@code --do_eval}, {@code -h}, {@code --}), as argparse tells options from values; a
   * negative number such as {@code -0.5} or a lone {@code -} is a value.
   */
  static boolean looksLikeFlag(String token) {
    return token.length() >= 2
        && token.charAt(0) == '-'
        && (token.charAt(1) == '-' || Character.isLetter(token.charAt(1)));
  }

  private static boolean isPathFlag(String name) {
    for (String part : List.of("dir", "path", "config", "model", "cache", "out", "data")) {
      if (name.contains(part)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> all(Set<String> switches, Set<String> options) {
    Set<String> all = new TreeSet<>(switches);
    all.addAll(options);
    return all;
  }

  private static String suggestion(String name, Set<String> switches, Set<String> options) {
    String closest = Suggest.closest(name, all(switches, options));
    return closest == null ? "" : " (did you mean --" + closest + "?)";
  }

  /** Thrown by {@link #parse} for {@code --help}; the message lists the command's flags. */
  static final class HelpRequested extends RuntimeException {
    HelpRequested(String message) {
      super(message);
    }
  }

  /** The command and its arguments as given, for the record of a run. */
  public String commandLine() {
    return command + (argv.isEmpty() ? "" : " " + String.join(" ", argv));
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
