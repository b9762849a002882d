package org.distill4j.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.config.SegConfig;
import org.distill4j.data.Datasets;
import org.distill4j.data.SegDataset;
import org.distill4j.eval.SegEvaluator;
import org.distill4j.eval.SegMetrics;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.RunProvenance;

/** {@code eval}: whole-image evaluation of saved weights on the config's validation set. */
final class EvalCommand implements Main.Command {
  @Override
  public String summary() {
    return "evaluate saved weights on the val set (--config FILE --model_path DIR --devices D)";
  }

  @Override
  public int run(String[] argv) {
    Args args =
        Args.parse(
            "eval", argv, Set.of(), Set.of("config", "model_path", "num_workers", "devices"));
    ResolvedConfig config = ConfigFlags.load(args, "config");
    SegConfig seg = new SegConfig(config.root());
    // Evaluation runs one image at a time on the first device.
    Device device = TrainCommand.devices(args, config)[0];
    DataCheck.beforeRun(seg, false, true);
    SegDataset val =
        Datasets.build(
            seg.valDataset()
                .orElseThrow(
                    () ->
                        new ConfigException(
                            config.source()
                                + ": val_dataset: missing; eval needs a validation set")),
            "val");
    try (NDManager manager = NDManager.newBaseManager(device)) {
      SegmentationModel model = ModelLoading.build(seg, args.path("model_path"), manager);
      System.out.println(provenance(args.path("model_path")));
      long t0 = System.nanoTime();
      SegMetrics metrics = SegEvaluator.evaluate(model, val);
      System.out.println(metrics.format(val.size()));
      System.out.printf("[EVAL] %d images in %.1f s%n", val.size(), (System.nanoTime() - t0) / 1e9);
    }
    return Main.OK;
  }

  /** The provenance block of the weights at {@code weights} (a checkpoint or a file in one). */
  static String provenance(Path weights) {
    Path dir = Files.isDirectory(weights) ? weights : weights.toAbsolutePath().getParent();
    try {
      return RunProvenance.read(dir)
          .map(RunProvenance::summary)
          .orElse(
              "[PROVENANCE] none stored with "
                  + weights
                  + " (weights from an older distill4j or from elsewhere)");
    } catch (org.distill4j.errors.Distill4jException e) {
      return "[PROVENANCE] unreadable: " + e.getMessage();
    }
  }
}
