package org.distill4j.models.deeplab;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TappedBlock;

/**
 * PaddleSeg's {@code DeepLabV3PHead}: picks the low-level and the high-level backbone features by
 * {@code backbone_indices}, runs the ASPP ({@code aspp}) on the high-level one and the decoder
 * ({@code decoder}) on both. Input: the backbone's feature list; output: one logit at the low-level
 * resolution.
 */
public final class DeepLabV3PHead extends TappedBlock {
  private final ASPPModule aspp;
  private final Decoder decoder;
  private final int lowIndex;
  private final int highIndex;

  public DeepLabV3PHead(
      TapHub taps,
      String path,
      int numClasses,
      int[] backboneIndices,
      int[] featChannels,
      int[] asppRatios,
      int asppOutChannels,
      boolean alignCorners) {
    super(taps, path, true);
    this.lowIndex = backboneIndices[0];
    this.highIndex = backboneIndices[1];
    aspp =
        addTapped(
            "aspp",
            new ASPPModule(
                taps,
                childPath("aspp"),
                asppRatios,
                featChannels[highIndex],
                asppOutChannels,
                alignCorners));
    decoder =
        addTapped(
            "decoder",
            new Decoder(
                taps, childPath("decoder"), numClasses, featChannels[lowIndex], alignCorners));
  }

  @Override
  protected NDList forwardBlock(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList asppOut = aspp.forward(ps, new NDList(inputs.get(highIndex)), training, params);
    return decoder.forward(
        ps, new NDList(asppOut.singletonOrThrow(), inputs.get(lowIndex)), training, params);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] asppOut = aspp.getOutputShapes(new Shape[] {inputShapes[highIndex]});
    return decoder.getOutputShapes(new Shape[] {asppOut[0], inputShapes[lowIndex]});
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    aspp.initialize(manager, dataType, inputShapes[highIndex]);
    Shape[] asppOut = aspp.getOutputShapes(new Shape[] {inputShapes[highIndex]});
    decoder.initialize(manager, dataType, asppOut[0], inputShapes[lowIndex]);
  }
}
