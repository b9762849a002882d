package org.distill4j.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Loads a PaddleSeg-format YAML config: reads the file, resolves {@code _base_} inheritance, and
 * applies command-line overrides.
 *
 * <p>Inheritance follows PaddleSeg: {@code _base_} is a path relative to the including file's
 * directory (or a list of such paths, the earlier ones taking precedence, as in newer PaddleSeg);
 * bases may have bases of their own. Mappings merge deeply with the including file winning; lists
 * and scalars are replaced wholesale; a mapping that contains {@code _inherited_: False} replaces
 * the base mapping instead of merging into it.
 */
public final class ConfigLoader {
  /** The key naming the file(s) a config inherits from. */
  public static final String BASE_KEY = "_base_";

  /** Set to {@code False} inside a mapping to replace, not merge, the inherited mapping. */
  public static final String INHERITED_KEY = "_inherited_";

  private ConfigLoader() {}

  /** Loads {@code yml} and everything it inherits from. */
  public static ResolvedConfig load(Path yml) {
    return load(yml, Map.of());
  }

  /**
   * Loads {@code yml}, then applies {@code overrides} (see {@link Overrides}: {@code iters}, {@code
   * batch_size}, {@code learning_rate}).
   */
  public static ResolvedConfig load(Path yml, Map<String, ?> overrides) {
    if (!Files.isRegularFile(yml)) {
      throw new ConfigException(
          "config file not found: " + yml + (Files.isDirectory(yml) ? " (it is a directory)" : ""));
    }
    List<Path> filesRead = new ArrayList<>();
    Map<String, Object> tree = readTree(yml, new ArrayList<>(), filesRead);
    stripInheritedFlags(tree);
    Overrides.apply(tree, overrides, yml.toString());
    return new ResolvedConfig(tree, yml, filesRead);
  }

  /** One file in the chain of includes: the path as shown to the user and its real path. */
  private record Include(Path shown, Path real) {}

  private static Map<String, Object> readTree(
      Path file, List<Include> chain, List<Path> filesRead) {
    Path real = realPath(file);
    for (Include include : chain) {
      if (include.real().equals(real)) {
        String cycle =
            chain.stream().map(i -> i.shown().toString()).collect(Collectors.joining(" -> "));
        throw new ConfigException(
            chain.get(chain.size() - 1).shown()
                + ": "
                + BASE_KEY
                + ": inheritance cycle: "
                + cycle
                + " -> "
                + file);
      }
    }
    if (!filesRead.contains(file)) {
      filesRead.add(file);
    }
    Map<String, Object> tree = asRootMapping(YamlIo.read(file), file);
    Object bases = tree.remove(BASE_KEY);
    if (bases == null) {
      return tree;
    }
    chain.add(new Include(file, real));
    Map<String, Object> result = tree;
    for (String base : baseList(bases, file)) {
      Path basePath = resolveBase(file, base);
      result = merge(readTree(basePath, chain, filesRead), result);
    }
    chain.remove(chain.size() - 1);
    return result;
  }

  /**
   * Merges {@code child} over {@code base}: nested mappings merge recursively, anything else in
   * {@code child} (lists, scalars, null) replaces the base value. Returns a new map in the base's
   * key order, with keys only the child has appended.
   */
  static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> child) {
    if (Boolean.FALSE.equals(child.get(INHERITED_KEY))) {
      Map<String, Object> replaced = new LinkedHashMap<>(child);
      replaced.remove(INHERITED_KEY);
      return replaced;
    }
    Map<String, Object> out = new LinkedHashMap<>(base);
    child.forEach(
        (key, value) -> {
          Object inherited = out.get(key);
          if (value instanceof Map && inherited instanceof Map) {
            out.put(key, merge(castMap(inherited), castMap(value)));
          } else {
            out.put(key, value);
          }
        });
    return out;
  }

  private static List<String> baseList(Object bases, Path file) {
    List<?> items = bases instanceof List<?> list ? list : List.of(bases);
    List<String> out = new ArrayList<>();
    for (Object item : items) {
      if (!(item instanceof String) || ((String) item).isBlank()) {
        throw new ConfigException(
            file
                + ": "
                + BASE_KEY
                + ": expected a file path or a list of file paths, got "
                + ConfigMap.describe(item));
      }
      out.add((String) item);
    }
    return out;
  }

  private static Path resolveBase(Path including, String base) {
    Path dir = including.getParent();
    Path resolved = (dir == null ? Path.of(base) : dir.resolve(base)).normalize();
    if (!Files.isRegularFile(resolved)) {
      throw new ConfigException(
          including
              + ": "
              + BASE_KEY
              + ": file not found: "
              + resolved
              + " ('"
              + base
              + "' is resolved against the directory of the including file)");
    }
    return resolved;
  }

  private static Path realPath(Path file) {
    try {
      return file.toRealPath();
    } catch (IOException e) {
      return file.toAbsolutePath().normalize();
    }
  }

  private static Map<String, Object> asRootMapping(Object root, Path file) {
    if (root instanceof Map) {
      return castMap(root);
    }
    String got = root == null ? "an empty file" : ConfigMap.describe(root);
    throw new ConfigException(
        file + ": the top level must be a mapping of keys such as 'iters: 1000', got " + got);
  }

  private static void stripInheritedFlags(Object node) {
    if (node instanceof Map<?, ?> map) {
      map.remove(INHERITED_KEY);
      map.values().forEach(ConfigLoader::stripInheritedFlags);
    } else if (node instanceof List<?> list) {
      list.forEach(ConfigLoader::stripInheritedFlags);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object map) {
    return (Map<String, Object>) map;
  }
}
