package org.distill4j.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.SegConfig;
import org.distill4j.data.Datasets;
import org.distill4j.data.SegDataset;

/**
 * The data check that {@code check} prints and that {@code train}, {@code distill} and {@code eval}
 * run before anything else, so a bad file is reported, with every other bad file, before a model is
 * built. Samples that passed are remembered per dataset in {@code $DISTILL4J_CACHE_DIR/data-check/}
 * (default {@code ~/.cache/distill4j}), keyed by path, size and modification time, so a second run
 * reads only changed files.
 */
final class DataCheck {
  private DataCheck() {}

  /**
   * Checks the training set when {@code train} is true and the validation set (when configured)
   * when {@code val} is true.
   *
   * @throws org.distill4j.config.ConfigException listing every bad file
   */
  static void beforeRun(SegConfig seg, boolean train, boolean val) {
    if (train) {
      check(seg.trainDataset(), "train");
    }
    if (val) {
      Optional<ConfigMap> section = seg.valDataset();
      section.ifPresent(s -> check(s, "val"));
    }
  }

  /** Builds and validates one dataset section; returns the dataset. */
  static SegDataset check(ConfigMap section, String mode) {
    SegDataset ds = Datasets.build(section, mode);
    Datasets.validate(ds, cacheFile(ds));
    return ds;
  }

  static Path cacheFile(SegDataset ds) {
    String dir = System.getenv("DISTILL4J_CACHE_DIR");
    Path base =
        dir != null && !dir.isBlank()
            ? Path.of(dir)
            : Path.of(System.getProperty("user.home"), ".cache", "distill4j");
    String id = ds.root().toAbsolutePath().normalize() + "|" + ds.mode();
    return base.resolve("data-check").resolve(sha256(id).substring(0, 24) + ".tsv");
  }

  private static String sha256(String s) {
    return org.distill4j.io.Sha256.ofText(s);
  }
}
