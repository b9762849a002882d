package org.distill4j.models.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.distill4j.config.Amp;
import org.distill4j.engine.Autocast;
import org.distill4j.engine.FrozenWeights;
import org.distill4j.engine.ScriptedOps;
import org.distill4j.models.TestBlocks;
import org.distill4j.models.taps.TapHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A frozen model's forward pass computes conv + batch norm as one convolution with the batch norm
 * folded in ({@link FrozenWeights}), made once per layer: in float32 the numbers of the two steps
 * within rounding, in bf16 within bfloat16's; training and passes without frozen weights keep the
 * two steps.
 */
class FoldedBatchNormTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /**
   * A layer whose batch norm moves every number: gamma of both signs, beta, means far from 0 and
   * variances from 1e-6 (where epsilon 1e-5 dominates) to 50. The tests use 16 channels: oneDNN
   * computes some padded channel counts wrongly on one CPU, depending on what the memory held
   * (docs/reliability.md), which would make two passes of the same layer differ.
   */
  private ConvBNLayer layer(int in, int out, int groups, int dilation, boolean bias, boolean relu) {
    ConvBNLayer l =
        ConvBNLayer.builder()
            .setTaps(new TapHub(), "x")
            .setChannels(in, out)
            .setKernel(3)
            .optGroups(groups)
            .optDilation(dilation)
            .optBias(bias)
            .optRelu(relu)
            .build();
    l.initialize(manager, DataType.FLOAT32, new Shape(2, in, 9, 9));
    Random rnd = new Random(in * 31L + out + dilation);
    fill(l, "weight", rnd, 0.5, 0);
    if (bias) {
      fill(l, "bias", rnd, 2, 0);
    }
    fill(l, "gamma", rnd, 1.5, 0);
    fill(l, "beta", rnd, 1, 0);
    fill(l, "runningMean", rnd, 3, 1);
    float[] var = new float[out];
    for (int o = 0; o < out; o++) {
      var[o] = o % 3 == 0 ? 1e-6f : (float) (0.05 + 50 * rnd.nextDouble());
    }
    TestBlocks.param(l, "runningVar").getArray().set(var);
    return l;
  }

  private static void fill(ConvBNLayer l, String name, Random rnd, double scale, double offset) {
    NDArray a = TestBlocks.param(l, name).getArray();
    float[] v = new float[(int) a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (offset + scale * rnd.nextGaussian());
    }
    a.set(v);
  }

  private NDArray input(int channels) {
    Random rnd = new Random(channels);
    float[] v = new float[2 * channels * 9 * 9];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return manager.create(v, new Shape(2, channels, 9, 9));
  }

  private NDArray forward(ConvBNLayer l, NDArray x, boolean training) {
    return l.forward(new ParameterStore(manager, false), new NDList(x), training)
        .singletonOrThrow();
  }

  private NDArray frozenForward(ConvBNLayer l, NDArray x, FrozenWeights frozen) {
    try (Autocast scope = Autocast.scope(Amp.NONE, frozen)) {
      return forward(l, x, false);
    }
  }

  @Test
  void foldedLayersGiveTheBatchNormsNumbers() {
    check(layer(16, 16, 1, 1, false, false), 16); // ResNet_vd's ConvBNLayer
    check(layer(16, 16, 1, 1, true, true), 16); // ConvBNReLU: the conv's own bias folded too
    check(layer(16, 16, 16, 2, true, false), 16); // the ASPP's depthwise ConvBN, dilated
  }

  private void check(ConvBNLayer l, int inChannels) {
    NDArray x = input(inChannels);
    NDArray twoSteps = forward(l, x, false);
    FrozenWeights frozen = new FrozenWeights();
    NDArray folded = frozenForward(l, x, frozen);
    assertEquals(1, frozen.foldedCount(), "the layer folded its batch norm");
    assertEquals(twoSteps.getShape(), folded.getShape());
    // Outputs reach a few hundred (a variance of 1e-6 scales by ~300): float32 rounding of the
    // two computations differs by a few units in the last place of the largest.
    float largest = twoSteps.abs().max().getFloat();
    assertTrue(largest > 10, "the batch norm moves the numbers: " + largest);
    float diff = twoSteps.sub(folded).abs().max().getFloat();
    assertTrue(diff <= largest * 1e-5f, "folded differs by " + diff + " (largest " + largest + ")");
    // A second pass reuses the fold: no new one, the same bits.
    NDArray again = frozenForward(l, x, frozen);
    assertEquals(1, frozen.foldedCount());
    assertEquals(0f, again.sub(folded).abs().max().getFloat());
  }

  @Test
  void withoutFrozenWeightsOrInTrainingTheBatchNormIsItsOwnStep() {
    ConvBNLayer l = layer(16, 16, 1, 1, false, true);
    NDArray x = input(16);
    FrozenWeights frozen = new FrozenWeights();
    NDArray plain;
    try (Autocast scope = Autocast.scope(Amp.NONE)) {
      plain = forward(l, x, false);
    }
    assertEquals(0f, plain.sub(forward(l, x, false)).abs().max().getFloat());
    try (Autocast scope = Autocast.scope(Amp.NONE, frozen)) {
      forward(l, x, true);
    }
    assertEquals(0, frozen.foldedCount(), "training normalises by the batch: nothing to fold");
  }

  @Test
  void aBf16ForwardPassFoldsAndRoundsTheFoldedWeightsOnce() {
    assumeTrue(ScriptedOps.get() != null, ScriptedOps.unavailableReason());
    ConvBNLayer l = layer(16, 16, 1, 1, false, true);
    NDArray x = input(16);
    NDArray exact = forward(l, x, false);
    FrozenWeights frozen = new FrozenWeights();
    NDArray folded = bf16Forward(l, x, frozen);
    assertEquals(1, frozen.foldedCount());
    assertEquals(2, frozen.bf16Count(), "the folded weight's and bias's bfloat16 copies");
    float largest = exact.abs().max().getFloat();
    float diff = exact.sub(folded).abs().max().getFloat();
    assertTrue(diff > 0f, "computed in bfloat16");
    // bfloat16 keeps 8 significant bits: operands and result each rounded once.
    assertTrue(
        diff <= largest / 64, "folded bf16 differs by " + diff + " (largest " + largest + ")");
    NDArray again = bf16Forward(l, x, frozen);
    assertEquals(2, frozen.bf16Count(), "copies made once");
    assertEquals(0f, again.sub(folded).abs().max().getFloat());
  }

  private NDArray bf16Forward(ConvBNLayer l, NDArray x, FrozenWeights frozen) {
    try (Autocast scope = Autocast.scope(Amp.BF16, frozen)) {
      return Autocast.float32(forward(l, x, false));
    }
  }
}
