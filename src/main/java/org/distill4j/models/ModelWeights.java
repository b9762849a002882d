package org.distill4j.models;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.distill4j.config.ConfigException;
import org.distill4j.io.weights.Pdparams;
import org.distill4j.io.weights.Safetensors;

/**
 * The weights files of a {@link SegmentationModel}, for the whole model or its backbone: which
 * reader a file needs (told by its content), loading it into the existing parameters, writing ours
 * and PaddleSeg's, and passing a load report's lines to the model's message sink.
 */
final class ModelWeights {
  /** Skipped entries listed one per line before the rest are counted. */
  private static final int MAX_WARNINGS = 20;

  private static final String MODEL_KIND = "model";
  private static final String BACKBONE_KIND = "backbone";

  private ModelWeights() {}

  /** Writes all parameters of the model {@code name} to {@code dir/<fileName>.params}. */
  static Path saveModel(Block block, Path dir, String fileName, String name) {
    return WeightsIO.save(block, dir, fileName, MODEL_KIND, name);
  }

  /**
   * Writes the parameters of the backbone {@code backboneName} to {@code dir/<fileName>.params}.
   */
  static Path saveBackbone(Block backbone, Path dir, String fileName, String backboneName) {
    return WeightsIO.save(backbone, dir, fileName, BACKBONE_KIND, backboneName);
  }

  /** Writes all parameters with PaddleSeg's names as a .pdparams file. */
  static Path savePaddle(Block block, Path file) {
    Pdparams.write(ForeignWeights.export(block), file);
    return file;
  }

  /**
   * Loads a whole model's weights file (or a directory holding one) into {@code block}.
   *
   * @param fresh builds a new block of the same network, only for our own format
   */
  static WeightsLoadReport loadModel(
      Path fileOrDir,
      String name,
      Block block,
      Supplier<Block> fresh,
      NDManager manager,
      Consumer<String> messages) {
    Path file = WeightsIO.resolve(fileOrDir, name + " weights");
    Checksums.verifyFile(file);
    return switch (WeightsFormat.of(file)) {
      case DISTILL4J -> {
        WeightsIO.load(file, MODEL_KIND, name, block, fresh.get(), manager);
        yield complete(block, DeepLabV3PNames.MODEL_CLASS);
      }
      case PADDLE ->
          report(
              ForeignWeights.load(
                  Pdparams.read(file), block, DeepLabV3PNames.MODEL_CLASS, file, manager),
              messages);
      case SAFETENSORS ->
          throw new ConfigException(
              file
                  + ": a safetensors file holds ImageNet backbone weights here; name it in"
                  + " backbone.pretrained, not model.pretrained");
      case UNKNOWN -> throw notWeights(file);
    };
  }

  /**
   * Loads a backbone weights file (or a directory holding one) into {@code backbone}.
   *
   * @param fresh builds a new backbone block of the same network, only for our own format
   */
  static WeightsLoadReport loadBackbone(
      Path fileOrDir,
      String backboneName,
      Block backbone,
      Supplier<Block> fresh,
      NDManager manager,
      Consumer<String> messages) {
    Path file = WeightsIO.resolve(fileOrDir, backboneName + " backbone weights");
    Checksums.verifyFile(file);
    String target = DeepLabV3PNames.BACKBONE_CLASS;
    return switch (WeightsFormat.of(file)) {
      case DISTILL4J -> {
        WeightsIO.load(file, BACKBONE_KIND, backboneName, backbone, fresh.get(), manager);
        yield complete(backbone, target);
      }
      case PADDLE ->
          report(
              ForeignWeights.load(Pdparams.read(file), backbone, target, file, manager), messages);
      case SAFETENSORS ->
          report(
              ForeignWeights.load(
                  TimmResNetNames.toPaddle(Safetensors.read(file), backbone, messages),
                  backbone,
                  target,
                  file,
                  manager),
              messages);
      case UNKNOWN -> throw notWeights(file);
    };
  }

  private static WeightsLoadReport report(WeightsLoadReport report, Consumer<String> messages) {
    int shown = 0;
    for (String warning : report.warnings()) {
      if (shown++ == MAX_WARNINGS) {
        messages.accept(
            "WARNING: ... and " + (report.warnings().size() - MAX_WARNINGS) + " more entries");
        break;
      }
      messages.accept("WARNING: " + warning);
    }
    messages.accept(report.summary());
    return report;
  }

  private static WeightsLoadReport complete(Block block, String target) {
    int n = block.getParameters().size();
    return new WeightsLoadReport(n, n, target, List.of());
  }

  private static ConfigException notWeights(Path file) {
    return new ConfigException(
        file
            + ": not a weights file distill4j reads (its own .params, PaddleSeg's .pdparams, or a"
            + " safetensors backbone)");
  }
}
