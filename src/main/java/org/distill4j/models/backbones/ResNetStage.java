package org.distill4j.models.backbones;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TappedBlock;

/**
 * One stage of ResNet_vd ({@code backbone.stageN}): its residual blocks in sequence ({@code
 * blockM}). PaddleSeg keeps stages as plain lists and names blocks {@code bb_N_M}; the stage level
 * is ours, so a whole stage can be tapped, and {@code backbone.bb_N_M} is accepted as an alias.
 */
public final class ResNetStage extends TappedBlock {
  private final List<ResidualBlock> blocks = new ArrayList<>();

  ResNetStage(TapHub taps, String path) {
    super(taps, path, true);
  }

  void add(ResidualBlock block) {
    blocks.add(addTapped("block" + blocks.size(), block));
  }

  /** The path of the next block to be added. */
  String nextBlockPath() {
    return childPath("block" + blocks.size());
  }

  @Override
  protected NDList forwardBlock(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    for (ResidualBlock b : blocks) {
      x = run(b, ps, x, training, params);
    }
    return new NDList(x);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] s = inputShapes;
    for (ResidualBlock b : blocks) {
      s = b.getOutputShapes(s);
    }
    return s;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape[] s = inputShapes;
    for (ResidualBlock b : blocks) {
      b.initialize(manager, dataType, s);
      s = b.getOutputShapes(s);
    }
  }
}
