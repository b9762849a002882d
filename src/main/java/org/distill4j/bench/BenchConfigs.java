package org.distill4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.config.Amp;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.ResolvedConfig;

/**
 * Configs for a benchmark: the user's config through {@code _base_}, with the tutorial's transforms
 * at a square size (Resize, flip, Normalize for training; Resize, Normalize for validation), a
 * batch size and an iteration count, and optionally another dataset root for both splits. Every
 * other key, the model included, is the user's.
 */
final class BenchConfigs {
  private BenchConfigs() {}

  /**
   * @param dataRoot the dataset both splits read, or null to keep the config's own
   */
  static ResolvedConfig derive(
      Path base,
      Path dir,
      String name,
      int size,
      int batch,
      int iters,
      Path dataRoot,
      Amp amp,
      Amp teacherAmp) {
    String root = dataRoot == null ? "" : "  dataset_root: '" + dataRoot.toAbsolutePath() + "'";
    String yaml =
        String.join(
            "\n",
            "_base_: '" + base.toAbsolutePath().normalize() + "'",
            "batch_size: " + batch,
            "iters: " + iters,
            "amp: " + amp.configName(),
            "teacher_amp: " + teacherAmp.configName(),
            "train_dataset:",
            root,
            "  transforms:",
            "    - {type: Resize, target_size: [" + size + ", " + size + "]}",
            "    - {type: RandomHorizontalFlip}",
            "    - {type: Normalize}",
            "val_dataset:",
            root,
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
