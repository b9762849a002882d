package org.distill4j.models.backbones;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.engine.Autocast;
import org.distill4j.models.layers.ConvBNLayer;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TappedBlock;

/**
 * A residual block of ResNet_vd: a chain of {@link ConvBNLayer}s ({@code conv0}, {@code conv1},
 * ...), plus either the identity or a 1x1 projection ({@code short}); the sum goes through a ReLU.
 * {@link BasicBlock} and {@link BottleneckBlock} only differ in the chain.
 */
abstract class ResidualBlock extends TappedBlock {
  private final List<ConvBNLayer> chain = new ArrayList<>();
  private ConvBNLayer shortcut;

  ResidualBlock(TapHub taps, String path) {
    super(taps, path, true);
  }

  /** Adds the next conv of the main branch, named conv0, conv1, ... */
  protected final void addConv(ConvBNLayer.Builder b) {
    String name = "conv" + chain.size();
    chain.add(addTapped(name, b.setTaps(taps, childPath(name)).build()));
  }

  /**
   * Adds the projection shortcut: a 1x1 stride-1 conv + BN, preceded by the vd average pool when
   * the block downsamples and is not the network's first block.
   */
  protected final void addProjection(int inChannels, int outChannels, boolean vdPool) {
    shortcut =
        addTapped(
            "short",
            ConvBNLayer.builder()
                .setTaps(taps, childPath("short"))
                .setChannels(inChannels, outChannels)
                .setKernel(1)
                .optVdPool(vdPool)
                .build());
  }

  @Override
  protected NDList forwardBlock(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray y = x;
    for (ConvBNLayer conv : chain) {
      y = run(conv, ps, y, training, params);
    }
    NDArray shortPath = shortcut == null ? x : run(shortcut, ps, x, training, params);
    // Under amp: bf16 the branch (and a projection) ends in bfloat16, but the sum is float32:
    // carried in bfloat16 from block to block, forward and backward, the residual path cost a
    // ResNet50 0.7-0.9 mIoU points (docs/performance.md). Within a branch bfloat16 costs little:
    // the next convolution rounds its input to bfloat16 anyway.
    return new NDList(Activation.relu(Autocast.float32(y).add(Autocast.float32(shortPath))));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] s = inputShapes;
    for (ConvBNLayer conv : chain) {
      s = conv.getOutputShapes(s);
    }
    return s;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape[] s = inputShapes;
    for (ConvBNLayer conv : chain) {
      conv.initialize(manager, dataType, s);
      s = conv.getOutputShapes(s);
    }
    if (shortcut != null) {
      shortcut.initialize(manager, dataType, inputShapes);
    }
  }
}
