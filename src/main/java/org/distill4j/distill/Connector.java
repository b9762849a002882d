package org.distill4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.distill4j.engine.EngineCompat;
import org.distill4j.models.layers.ConvBNLayer;
import org.distill4j.models.taps.TapHub;

/**
 * Maps a student tensor to the teacher's shape so tensors of different shapes can be distilled: a
 * 1x1 conv + BatchNorm when the channel counts differ (trained with the student, saved beside it),
 * then a bilinear resize when the spatial sizes differ. With equal shapes it is the identity.
 */
public final class Connector extends AbstractBlock {
  private final long inChannels;
  private final long outChannels;
  private final long outHeight;
  private final long outWidth;
  private final ConvBNLayer projection;

  /**
   * @param studentShape the student tensor's shape (N, C, H, W)
   * @param teacherShape the teacher tensor's shape (N, C, H, W)
   */
  public Connector(Shape studentShape, Shape teacherShape) {
    this.inChannels = studentShape.get(1);
    this.outChannels = teacherShape.get(1);
    this.outHeight = teacherShape.get(2);
    this.outWidth = teacherShape.get(3);
    if (inChannels != outChannels) {
      this.projection =
          addChildBlock(
              "projection",
              ConvBNLayer.builder()
                  .setTaps(new TapHub(), "connector")
                  .setChannels((int) inChannels, (int) outChannels)
                  .setKernel(1)
                  .build());
    } else {
      this.projection = null;
    }
  }

  /** True when the connector has parameters (the channel counts differ). */
  public boolean isTrainable() {
    return projection != null;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (projection != null) {
      x = projection.forward(ps, new NDList(x), training).singletonOrThrow();
    }
    if (x.getShape().get(2) != outHeight || x.getShape().get(3) != outWidth) {
      x = EngineCompat.resizeBilinear(x, outHeight, outWidth, false);
    }
    return new NDList(x);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), outChannels, outHeight, outWidth)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    if (projection != null) {
      projection.initialize(manager, dataType, inputShapes[0]);
    }
  }

  @Override
  public String toString() {
    return String.format(
        "Connector(%d -> %d channels%s, to %dx%d)",
        inChannels,
        outChannels,
        projection != null ? " via 1x1 conv + BN" : "",
        outHeight,
        outWidth);
  }
}
