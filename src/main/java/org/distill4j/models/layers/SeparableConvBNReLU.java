package org.distill4j.models.layers;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TappedBlock;

/**
 * PaddleSeg's {@code SeparableConvBNReLU}: a depthwise k x k conv (with bias, given dilation and
 * padding) + BN without activation ({@code depthwise_conv}), then a pointwise 1x1 conv (with bias)
 * + BN + ReLU ({@code pointwise_conv}; PaddleSeg spells it {@code piontwise_conv}, accepted as an
 * alias).
 */
public final class SeparableConvBNReLU extends TappedBlock {
  private final ConvBNLayer depthwise;
  private final ConvBNLayer pointwise;

  /**
   * @param taps the model's hub
   * @param path this block's path
   * @param inChannels input channels (= depthwise groups)
   * @param outChannels output channels of the pointwise conv
   * @param kernel depthwise kernel size
   * @param dilation depthwise dilation
   * @param padding depthwise padding
   */
  public SeparableConvBNReLU(
      TapHub taps,
      String path,
      int inChannels,
      int outChannels,
      int kernel,
      int dilation,
      int padding) {
    super(taps, path, true);
    this.depthwise =
        addTapped(
            "depthwise_conv",
            ConvBNLayer.builder()
                .setTaps(taps, childPath("depthwise_conv"))
                .setChannels(inChannels, inChannels)
                .setKernel(kernel)
                .optDilation(dilation)
                .optPadding(padding)
                .optGroups(inChannels)
                .optBias(true)
                .build());
    this.pointwise =
        addTapped(
            "pointwise_conv",
            ConvBNLayer.convBnRelu(taps, childPath("pointwise_conv"), inChannels, outChannels, 1));
  }

  @Override
  protected NDList forwardBlock(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(
        run(
            pointwise,
            ps,
            run(depthwise, ps, inputs.singletonOrThrow(), training, params),
            training,
            params));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return pointwise.getOutputShapes(depthwise.getOutputShapes(inputShapes));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    depthwise.initialize(manager, dataType, inputShapes);
    pointwise.initialize(manager, dataType, depthwise.getOutputShapes(inputShapes));
  }
}
