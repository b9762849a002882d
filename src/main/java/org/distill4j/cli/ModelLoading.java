package org.distill4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.distill4j.config.SegConfig;
import org.distill4j.models.Models;
import org.distill4j.models.SegmentationModel;

/** Builds a config's model and loads weights into it, for the commands that do not train. */
final class ModelLoading {
  private ModelLoading() {}

  /**
   * Builds the model of {@code seg} with its parameters in {@code manager} (owned by the caller)
   * and copies {@code weights} (a {@code .params} file or a checkpoint directory) into it.
   */
  static SegmentationModel build(SegConfig seg, Path weights, NDManager manager) {
    SegmentationModel model = Models.registry().build(seg.model());
    model.initialize(manager, Models.PARAMETER_SHAPE);
    model.loadWeights(weights);
    return model;
  }
}
