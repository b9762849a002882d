package org.distill4j.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.distill4j.io.AtomicFiles;

/**
 * A config file that inherits another ({@code _base_}) and replaces some of its keys, written as
 * YAML and loaded the way every config is. This is how a notebook or the tutorial varies one
 * setting (a dataset root, a loss weight) without copying the rest; the written file is an ordinary
 * config the command line accepts.
 */
public final class DerivedConfig {
  private DerivedConfig() {}

  /**
   * Writes {@code file} as {@code _base_: base} followed by {@code overrides} (nested maps replace
   * keys inside sections, as in any config) and loads it.
   */
  public static ResolvedConfig write(Path file, Path base, Map<String, Object> overrides) {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("_base_", base.toAbsolutePath().normalize().toString());
    tree.putAll(overrides);
    try {
      AtomicFiles.writeString(file, YamlIo.dump(tree));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return ConfigLoader.load(file);
  }
}
