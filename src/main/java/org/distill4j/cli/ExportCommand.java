package org.distill4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.config.SegConfig;
import org.distill4j.models.SegmentationModel;

/**
 * {@code export}: writes a trained model's weights for another tool. {@code --format paddle} (the
 * default) writes PaddleSeg's {@code model.pdparams} (PaddleSeg's names, BatchNorm statistics
 * included, pickle protocol 4) that PaddleSeg's {@code --model_path} and {@code
 * load_pretrained_model} read, beside the resolved config; {@code --format distill4j} writes our
 * own {@code model.params}.
 */
final class ExportCommand implements Main.Command {
  @Override
  public String summary() {
    return "write trained weights for PaddleSeg (--config C --model_path P --save_dir D"
        + " --format paddle|distill4j)";
  }

  @Override
  public int run(String[] argv) {
    Args args =
        Args.parse("export", argv, Set.of(), Set.of("config", "model_path", "save_dir", "format"));
    ResolvedConfig config = ConfigFlags.load(args, "config");
    Path weights = Path.of(args.require("model_path"));
    Path saveDir = Path.of(args.get("save_dir", "output/export"));
    String format = args.get("format", "paddle").toLowerCase(Locale.ROOT);
    if (!format.equals("paddle") && !format.equals("distill4j")) {
      throw new ConfigException(
          "export: --format must be paddle or distill4j, got '" + args.get("format", "") + "'");
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      SegmentationModel model = ModelLoading.build(new SegConfig(config.root()), weights, manager);
      Path written =
          format.equals("paddle")
              ? model.savePaddleWeights(saveDir.resolve("model.pdparams"))
              : model.saveWeights(saveDir, "model");
      config.save(saveDir);
      System.out.printf(
          Locale.ROOT,
          "[EXPORT] %s: %d variables of %s written to %s%n",
          format.equals("paddle") ? "PaddleSeg's names" : "distill4j's format",
          model.block().getParameters().size(),
          model.name(),
          written);
    }
    return Main.OK;
  }
}
