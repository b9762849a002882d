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
import org.distill4j.engine.EngineCompat;
import org.distill4j.models.layers.ConvBNLayer;
import org.distill4j.models.layers.PaddleConv;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TappedBlock;

/**
 * PaddleSeg's ResNet_vd backbone with dilation for output stride 8 or 16. Stem: three 3x3
 * ConvBNLayers ({@code conv1_1} stride 2 3->32, {@code conv1_2} 32->32, {@code conv1_3} 32->64),
 * then a 3x3 stride-2 max pool ({@code pool2d_max}); then four stages. The forward returns the four
 * stage outputs, also published as {@code backbone.feat.0..3}.
 */
public final class ResNetVd extends TappedBlock {
  private static final Shape POOL_KERNEL = new Shape(3, 3);
  private static final Shape POOL_STRIDE = new Shape(2, 2);
  private static final Shape POOL_PAD = new Shape(1, 1);

  private final List<ConvBNLayer> stem = new ArrayList<>();
  private final List<ResNetStage> stages = new ArrayList<>();
  private final String poolPath;
  private final String[] featNames = new String[4];

  ResNetVd(TapHub taps, String path, ResNetVdSpec spec) {
    super(taps, path, false);
    int[] stemChannels = {spec.inChannels(), 32, 32, 64};
    for (int i = 0; i < 3; i++) {
      String name = "conv1_" + (i + 1);
      stem.add(
          addTapped(
              name,
              ConvBNLayer.builder()
                  .setTaps(taps, childPath(name))
                  .setChannels(stemChannels[i], stemChannels[i + 1])
                  .setKernel(3)
                  .optStride(i == 0 ? 2 : 1)
                  .optRelu(true)
                  .build()));
    }
    poolPath = childPath("pool2d_max");
    declare(poolPath);
    for (int s = 0; s < 4; s++) {
      stages.add(addTapped("stage" + s, buildStage(spec, s)));
      featNames[s] = childPath("feat." + s);
      declare(featNames[s]);
    }
  }

  private ResNetStage buildStage(ResNetVdSpec spec, int s) {
    ResNetStage stage = new ResNetStage(taps, childPath("stage" + s));
    boolean bottleneck = spec.bottleneck();
    int width = ResNetVdSpec.WIDTHS[s];
    int out = bottleneck ? width * BottleneckBlock.EXPANSION : width;
    int stageIn = s == 0 ? 64 : spec.featChannels()[s - 1];
    for (int i = 0; i < spec.depths()[s]; i++) {
      int dilation = spec.dilation(s, i);
      int stride = i == 0 && s != 0 && dilation == 1 ? 2 : 1;
      boolean projection = i == 0;
      // The vd pool goes only on projections that downsample; the network's very first block and
      // dilated (stride-1) blocks get a plain 1x1.
      boolean vdPool = projection && !(s == 0 && i == 0) && stride != 1;
      int in = i == 0 ? stageIn : out;
      String blockPath = stage.nextBlockPath();
      stage.add(
          bottleneck
              ? new BottleneckBlock(
                  taps, blockPath, in, width, stride, dilation, projection, vdPool)
              : new BasicBlock(taps, blockPath, in, width, stride, dilation, projection, vdPool));
    }
    return stage;
  }

  @Override
  protected NDList forwardBlock(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    for (ConvBNLayer conv : stem) {
      x = run(conv, ps, x, training, params);
    }
    x = EngineCompat.maxPool2d(x, POOL_KERNEL, POOL_STRIDE, POOL_PAD);
    taps.publish(poolPath, x);
    NDList feats = new NDList(4);
    for (int s = 0; s < stages.size(); s++) {
      x = run(stages.get(s), ps, x, training, params);
      taps.publish(featNames[s], x);
      feats.add(x);
    }
    return feats;
  }

  private Shape[] stemAndPoolShape(Shape in) {
    Shape[] s = {in};
    for (ConvBNLayer conv : stem) {
      s = conv.getOutputShapes(s);
    }
    Shape x = s[0];
    return new Shape[] {
      new Shape(
          x.get(0),
          x.get(1),
          PaddleConv.outSize(x.get(2), 3, 2, 1, 1),
          PaddleConv.outSize(x.get(3), 3, 2, 1, 1))
    };
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] s = stemAndPoolShape(inputShapes[0]);
    Shape[] out = new Shape[stages.size()];
    for (int i = 0; i < stages.size(); i++) {
      s = stages.get(i).getOutputShapes(s);
      out[i] = s[0];
    }
    return out;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape[] s = inputShapes;
    for (ConvBNLayer conv : stem) {
      conv.initialize(manager, dataType, s);
      s = conv.getOutputShapes(s);
    }
    s = stemAndPoolShape(inputShapes[0]);
    for (ResNetStage stage : stages) {
      stage.initialize(manager, dataType, s);
      s = stage.getOutputShapes(s);
    }
  }
}
