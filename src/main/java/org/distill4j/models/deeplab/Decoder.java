package org.distill4j.models.deeplab;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.distill4j.engine.EngineCompat;
import org.distill4j.models.layers.ConvBNLayer;
import org.distill4j.models.layers.PaddleConv;
import org.distill4j.models.layers.SeparableConvBNReLU;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TappedBlock;

/**
 * DeepLabV3+'s decoder as PaddleSeg: the low-level feature through a 1x1 ConvBNReLU to 48 channels
 * ({@code conv_bn_relu1}); the ASPP output upsampled bilinearly to the low-level size and
 * concatenated in front of it (304 channels, published as {@code concat}); two 3x3
 * SeparableConvBNReLU to 256 ({@code conv_bn_relu2}, {@code conv_bn_relu3}); a 1x1 conv with bias
 * to the classes ({@code conv}). Inputs: (ASPP output, low-level feature).
 */
public final class Decoder extends TappedBlock {
  /** Channels of the low-level projection. */
  public static final int LOW_LEVEL_CHANNELS = 48;

  /** PaddleSeg hard-codes the concat width, so the ASPP must output 304 - 48 = 256 channels. */
  public static final int CONCAT_CHANNELS = 304;

  private final ConvBNLayer lowLevel;
  private final SeparableConvBNReLU refine1;
  private final SeparableConvBNReLU refine2;
  private final Conv2d classifier;
  private final int numClasses;
  private final boolean alignCorners;
  private final String concatName;
  private final String convName;

  /**
   * @param taps the model's hub
   * @param path e.g. {@code head.decoder}
   * @param numClasses output channels
   * @param lowLevelChannels channels of the low-level backbone feature
   * @param alignCorners for the upsample
   */
  public Decoder(
      TapHub taps, String path, int numClasses, int lowLevelChannels, boolean alignCorners) {
    super(taps, path, true);
    this.numClasses = numClasses;
    this.alignCorners = alignCorners;
    lowLevel =
        addTapped(
            "conv_bn_relu1",
            ConvBNLayer.convBnRelu(
                taps, childPath("conv_bn_relu1"), lowLevelChannels, LOW_LEVEL_CHANNELS, 1));
    concatName = childPath("concat");
    declare(concatName);
    refine1 =
        addTapped(
            "conv_bn_relu2",
            new SeparableConvBNReLU(
                taps, childPath("conv_bn_relu2"), CONCAT_CHANNELS, 256, 3, 1, 1));
    refine2 =
        addTapped(
            "conv_bn_relu3",
            new SeparableConvBNReLU(taps, childPath("conv_bn_relu3"), 256, 256, 3, 1, 1));
    classifier = addPlain("conv", PaddleConv.conv2d(256, numClasses, 1, 1, 0, 1, 1, true));
    convName = childPath("conv");
    declare(convName);
  }

  @Override
  protected NDList forwardBlock(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray low = run(lowLevel, ps, inputs.get(1), training, params);
    x = EngineCompat.resizeBilinear(x, low.getShape().get(2), low.getShape().get(3), alignCorners);
    NDArray cat = NDArrays.concat(new NDList(x, low), 1);
    taps.publish(concatName, cat);
    NDArray y = run(refine1, ps, cat, training, params);
    y = run(refine2, ps, y, training, params);
    y = run(classifier, ps, y, training, params);
    taps.publish(convName, y);
    return new NDList(y);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape low = inputShapes[1];
    return new Shape[] {new Shape(low.get(0), numClasses, low.get(2), low.get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape low = inputShapes[1];
    lowLevel.initialize(manager, dataType, low);
    Shape cat = new Shape(low.get(0), CONCAT_CHANNELS, low.get(2), low.get(3));
    refine1.initialize(manager, dataType, cat);
    Shape refined = refine1.getOutputShapes(new Shape[] {cat})[0];
    refine2.initialize(manager, dataType, refined);
    classifier.initialize(manager, dataType, refined);
  }
}
