package org.distill4j.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.io.AtomicFiles;

/**
 * A config after {@code _base_} merging and overrides: the tree the trainer uses, where it came
 * from, and a way to store it beside the training outputs.
 */
public final class ResolvedConfig {
  /** The file name {@link #save(Path)} writes. */
  public static final String FILE_NAME = "config.yml";

  private final Map<String, Object> tree;
  private final Path source;
  private final List<Path> files;

  ResolvedConfig(Map<String, Object> tree, Path source, List<Path> files) {
    this.tree = freezeMap(tree);
    this.source = source;
    this.files = List.copyOf(files);
  }

  /** The merged config tree (read-only; nested maps and lists are read-only too). */
  public Map<String, Object> map() {
    return tree;
  }

  /** The file the user asked to load. */
  public Path source() {
    return source;
  }

  /** Every file read, the top-level one first, then its bases in the order they were read. */
  public List<Path> files() {
    return files;
  }

  /** The root view; errors name the top-level file, since that is the one the user passed. */
  public ConfigMap root() {
    return new ConfigMap(tree, "", source.toString());
  }

  /** The typed view the trainer uses. */
  public SegConfig seg() {
    return new SegConfig(root());
  }

  /** The merged config as block-style YAML, keys in file order; loading it gives the same tree. */
  public String toYaml() {
    return YamlIo.dump(tree);
  }

  /**
   * Writes {@code saveDir/config.yml} atomically (a temporary file in the same directory, then a
   * move), so a crash never leaves a half-written config beside a checkpoint.
   *
   * @return the written file
   */
  public Path save(Path saveDir) {
    Path target = saveDir.resolve(FILE_NAME);
    try {
      String header = "# Resolved from " + source + " (_base_ merged, overrides applied)\n";
      AtomicFiles.writeString(target, header + toYaml());
      return target;
    } catch (IOException e) {
      // The first write of a run: an unusable save_dir stops it here, before any training.
      throw new ConfigException(
          "save_dir "
              + saveDir
              + " cannot be written ("
              + ErrorWords.io(e)
              + "); pick a writable directory with --save_dir",
          e);
    }
  }

  @Override
  public String toString() {
    return source + " " + tree;
  }

  private static Map<String, Object> freezeMap(Map<String, Object> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, freeze(v)));
    return Collections.unmodifiableMap(out);
  }

  @SuppressWarnings("unchecked")
  private static Object freeze(Object node) {
    if (node instanceof Map) {
      return freezeMap((Map<String, Object>) node);
    }
    if (node instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(freeze(v)));
      return Collections.unmodifiableList(out);
    }
    return node;
  }
}
