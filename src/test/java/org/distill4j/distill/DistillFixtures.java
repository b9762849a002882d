package org.distill4j.distill;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.config.SegConfig;
import org.distill4j.models.Models;
import org.distill4j.models.SegmentationModel;

/** Configs for distillation tests: a smoke config pointed at generated data. */
final class DistillFixtures {
  private DistillFixtures() {}

  /**
   * Writes {@code dir/name} extending {@code configs/smoke/<base>} with both datasets at {@code
   * data}, and loads it.
   *
   * @param trainExtra lines added inside {@code train_dataset} (indented by two spaces)
   * @param extra top-level lines added at the end
   */
  static ResolvedConfig smokeConfig(
      Path dir,
      String name,
      String base,
      Path data,
      String trainExtra,
      String extra,
      Map<String, Object> overrides)
      throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(
        file,
        "_base_: '"
            + Paths.get("configs/smoke", base).toAbsolutePath()
            + "'\ntrain_dataset:\n  dataset_root: '"
            + data
            + "'\n"
            + trainExtra
            + "val_dataset:\n  dataset_root: '"
            + data
            + "'\n"
            + extra);
    return ConfigLoader.load(file, overrides);
  }

  /**
   * A freshly initialised model of {@code config} (seeded), saved as {@code dir/name/model.params}:
   * stands in for trained teacher weights.
   */
  static Path savedWeights(ResolvedConfig config, Path dir, String name, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    try (NDManager m = NDManager.newBaseManager()) {
      SegmentationModel model = Models.registry().build(new SegConfig(config.root()).model());
      model.initialize(m, Models.PARAMETER_SHAPE);
      return model.saveWeights(dir.resolve(name), "model");
    }
  }
}
