package org.distill4j.models.deeplab;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.engine.EngineCompat;
import org.distill4j.models.layers.ConvBNLayer;
import org.distill4j.models.layers.SeparableConvBNReLU;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TappedBlock;

/**
 * Atrous spatial pyramid pooling as PaddleSeg's {@code ASPPModule} with separable convs and image
 * pooling. Branches {@code aspp_blocks.i}: ratio 1 is a 1x1 ConvBNReLU, other ratios a 3x3
 * SeparableConvBNReLU with that dilation and padding. {@code image_pooling} (PaddleSeg: {@code
 * global_avg_pool}): global average, then a 1x1 ConvBNReLU without bias, N x C x 1 x 1, then
 * upsampled bilinearly to the feature size. The concatenation (published as {@code concat}) goes
 * through a 1x1 ConvBNReLU ({@code conv_bn_relu}) and dropout 0.1 ({@code dropout}, training only).
 */
public final class ASPPModule extends TappedBlock {
  private final List<TappedBlock> branches = new ArrayList<>();
  private final ConvBNLayer imagePooling;
  private final ConvBNLayer project;
  private final Dropout dropout;
  private final int outChannels;
  private final boolean alignCorners;
  private final String concatName;
  private final String dropoutName;

  /**
   * @param taps the model's hub
   * @param path e.g. {@code head.aspp}
   * @param ratios dilation ratios, one branch each
   * @param inChannels channels of the backbone feature
   * @param outChannels channels of every branch and of the output
   * @param alignCorners for the image-pooling upsample
   */
  public ASPPModule(
      TapHub taps,
      String path,
      int[] ratios,
      int inChannels,
      int outChannels,
      boolean alignCorners) {
    super(taps, path, true);
    this.outChannels = outChannels;
    this.alignCorners = alignCorners;
    for (int i = 0; i < ratios.length; i++) {
      String name = "aspp_blocks." + i;
      int r = ratios[i];
      TappedBlock branch =
          r == 1
              ? ConvBNLayer.convBnRelu(taps, childPath(name), inChannels, outChannels, 1)
              : new SeparableConvBNReLU(taps, childPath(name), inChannels, outChannels, 3, r, r);
      branches.add(addTapped(name, branch));
    }
    imagePooling =
        addTapped(
            "image_pooling",
            ConvBNLayer.builder()
                .setTaps(taps, childPath("image_pooling"))
                .setChannels(inChannels, outChannels)
                .setKernel(1)
                .optBias(false)
                .optRelu(true)
                .build());
    concatName = childPath("concat");
    declare(concatName);
    project =
        addTapped(
            "conv_bn_relu",
            ConvBNLayer.convBnRelu(
                taps,
                childPath("conv_bn_relu"),
                outChannels * (ratios.length + 1),
                outChannels,
                1));
    dropout = addPlain("dropout", Dropout.builder().optRate(0.1f).build());
    dropoutName = childPath("dropout");
    declare(dropoutName);
  }

  @Override
  protected NDList forwardBlock(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    long h = x.getShape().get(2);
    long w = x.getShape().get(3);
    NDList outputs = new NDList(branches.size() + 1);
    for (TappedBlock branch : branches) {
      outputs.add(run(branch, ps, x, training, params));
    }
    // Global average (AdaptiveAvgPool2D to 1x1); PyTorch-engine mean takes one axis at a time.
    NDArray avg = x.mean(new int[] {3}, true).mean(new int[] {2}, true);
    NDArray pooled = run(imagePooling, ps, avg, training, params);
    outputs.add(EngineCompat.resizeBilinear(pooled, h, w, alignCorners));
    NDArray cat = NDArrays.concat(outputs, 1);
    taps.publish(concatName, cat);
    NDArray y = run(project, ps, cat, training, params);
    y = run(dropout, ps, y, training, params);
    taps.publish(dropoutName, y);
    return new NDList(y);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), outChannels, in.get(2), in.get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    for (TappedBlock branch : branches) {
      branch.initialize(manager, dataType, in);
    }
    imagePooling.initialize(manager, dataType, new Shape(in.get(0), in.get(1), 1, 1));
    long catChannels = (long) outChannels * (branches.size() + 1);
    project.initialize(manager, dataType, new Shape(in.get(0), catChannels, in.get(2), in.get(3)));
    dropout.initialize(manager, dataType, getOutputShapes(inputShapes));
  }
}
