package org.distill4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.ResolvedConfig;

/**
 * Configs for a benchmark: the user's config through {@code _base_}, with the tutorial's transforms
 * at a square size (Resize, flip, Normalize for training; Resize, Normalize for validation), a
 * batch size and an iteration count. Every other key, the model included, is the user's.
 */
final class BenchConfigs {
  private BenchConfigs() {}

  static ResolvedConfig derive(Path base, Path dir, String name, int size, int batch, int iters) {
    String yaml =
        String.join(
            "\n",
            "_base_: '" + base.toAbsolutePath().normalize() + "'",
            "batch_size: " + batch,
            "iters: " + iters,
            "train_dataset:",
            "  transforms:",
            "    - {type: Resize, target_size: [" + size + ", " + size + "]}",
            "    - {type: RandomHorizontalFlip}",
            "    - {type: Normalize}",
            "val_dataset:",
            "  transforms:",
            "    - {type: Resize, target_size: [" + size + ", " + size + "]}",
            "    - {type: Normalize}",
            "");
    Path file = dir.resolve(name + ".yml");
    try {
      Files.createDirectories(dir);
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ConfigLoader.load(file);
  }
}
