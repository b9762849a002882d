package org.distill4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeepLabV3PTest {
  private static NDManager manager;
  private static SegmentationModel r18;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(11);
    r18 = TestBlocks.initialised(manager, 18, 8, 2);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  // ---- parameter counts from the layer list, written independently of the model code ----

  private static long conv(long cin, long cout, long k, long groups, boolean bias) {
    return k * k * cin / groups * cout + (bias ? cout : 0);
  }

  private static long convBn(long cin, long cout, long k, boolean bias) {
    return conv(cin, cout, k, 1, bias) + 2 * cout; // + BN gamma and beta
  }

  private static long separable(long cin, long cout) {
    return conv(cin, cin, 3, cin, true) + 2 * cin + conv(cin, cout, 1, 1, true) + 2 * cout;
  }

  /** Backbone parameters, low-level channels and high-level channels. */
  private static long[] resNetVd(int layers) {
    int[] depth =
        layers == 18
            ? new int[] {2, 2, 2, 2}
            : layers == 101 ? new int[] {3, 4, 23, 3} : new int[] {3, 4, 6, 3};
    int[] width = {64, 128, 256, 512};
    long n = convBn(3, 32, 3, false) + convBn(32, 32, 3, false) + convBn(32, 64, 3, false);
    boolean bottleneck = layers >= 50;
    long in = 64;
    for (int s = 0; s < 4; s++) {
      long out = bottleneck ? width[s] * 4L : width[s];
      for (int i = 0; i < depth[s]; i++) {
        long cin = i == 0 ? in : out;
        if (bottleneck) {
          n += convBn(cin, width[s], 1, false);
          n += convBn(width[s], width[s], 3, false);
          n += convBn(width[s], out, 1, false);
        } else {
          n += convBn(cin, out, 3, false) + convBn(out, out, 3, false);
        }
        if (i == 0) {
          n += convBn(cin, out, 1, false);
        }
      }
      in = out;
    }
    long low = bottleneck ? 256 : 64;
    return new long[] {n, low, in};
  }

  private static long expectedCount(int layers, int classes) {
    long[] b = resNetVd(layers);
    long high = b[2];
    long aspp =
        convBn(high, 256, 1, true)
            + 3 * separable(high, 256)
            + convBn(high, 256, 1, false) // image pooling, no bias
            + convBn(5 * 256, 256, 1, true);
    long decoder =
        convBn(b[1], 48, 1, true)
            + separable(304, 256)
            + separable(256, 256)
            + conv(256, classes, 1, 1, true);
    return b[0] + aspp + decoder;
  }

  @Test
  void parameterCountsMatchTheMeasuredReferenceAndTheLayerList() {
    assertEquals(12_361_138L, expectedCount(18, 2), "formula vs measured R18");
    assertEquals(26_719_026L, expectedCount(50, 2), "formula vs measured R50");
    assertEquals(12_361_138L, r18.parameterCount());
    try (NDManager m = manager.newSubManager()) {
      assertEquals(26_719_026L, TestBlocks.initialised(m, 50, 8, 2).parameterCount());
    }
    try (NDManager m = manager.newSubManager()) {
      assertEquals(expectedCount(34, 2), TestBlocks.initialised(m, 34, 8, 2).parameterCount());
    }
    try (NDManager m = manager.newSubManager()) {
      assertEquals(expectedCount(101, 5), TestBlocks.initialised(m, 101, 16, 5).parameterCount());
    }
  }

  // ---- shapes ----

  private static NDArray infer(SegmentationModel m, NDManager step, Shape shape) {
    return m.forward(new ParameterStore(step, false), step.randomNormal(shape), false);
  }

  @Test
  void outputIsOneLogitAtInputSizeForSquareAndNonSquareInputs() {
    try (NDManager step = manager.newSubManager()) {
      SegmentationModel os16 = TestBlocks.initialised(step, 18, 16, 3);
      for (Shape in :
          new Shape[] {new Shape(1, 3, 64, 64), new Shape(2, 3, 96, 64), new Shape(1, 3, 67, 75)}) {
        NDList out =
            r18.block().forward(new ParameterStore(step, false), new NDList(step.zeros(in)), false);
        assertEquals(1, out.size());
        assertEquals(new Shape(in.get(0), 2, in.get(2), in.get(3)), out.head().getShape());
        assertEquals(
            new Shape(in.get(0), 3, in.get(2), in.get(3)), infer(os16, step, in).getShape());
      }
      assertEquals(
          new Shape(1, 2, 96, 64),
          r18.block().getOutputShapes(new Shape[] {new Shape(1, 3, 96, 64)})[0]);
    }
  }

  // ---- training ----

  @Test
  void trainingForwardAndBackwardReachEveryPartOfTheNetwork() {
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.randomNormal(new Shape(2, 3, 64, 64));
      NDList out;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        out = r18.block().forward(new ParameterStore(step, false), new NDList(x), true);
        gc.backward(out.head().square().mean());
      }
      assertEquals(1, out.size(), "training returns the same single logit");
      assertEquals(new Shape(2, 2, 64, 64), out.head().getShape());
      for (String path :
          new String[] {
            "backbone.conv1_1",
            "backbone.stage3.block1.conv1",
            "head.aspp.aspp_blocks.2.depthwise_conv"
          }) {
        NDArray g =
            TestBlocks.param(TestBlocks.find(r18.block(), path), "weight").getArray().getGradient();
        assertTrue(g.abs().sum().getFloat() > 0, "gradient at " + path);
      }
      NDArray head =
          TestBlocks.param(TestBlocks.find(r18.block(), "head.decoder"), "04conv_bias").getArray();
      assertTrue(head.getGradient().abs().sum().getFloat() > 0, "gradient at the classifier");
    }
  }

  @Test
  void dropoutActsOnlyInTraining() {
    TapRecorder r = new TapRecorder("head.aspp.conv_bn_relu", "head.aspp");
    r18.attachRecorder(r);
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.randomNormal(new Shape(2, 3, 64, 64));
      r18.forward(new ParameterStore(step, false), x, false);
      assertEquals(0f, TestBlocks.maxDiff(r.get("head.aspp.conv_bn_relu"), r.get("head.aspp")));
      r18.forward(new ParameterStore(step, false), x, true);
      NDArray before = r.get("head.aspp.conv_bn_relu");
      NDArray after = r.get("head.aspp");
      NDArray positive = before.gt(0);
      NDArray kept = after.gt(0);
      // Kept values are scaled by 1/(1-0.1); about 10% of the positive ones are zeroed.
      NDArray scaled = before.mul(1 / 0.9f).mul(kept);
      assertTrue(TestBlocks.maxDiff(scaled, after) < 1e-4f);
      float dropped = count(positive.logicalAnd(kept.logicalNot())) / count(positive);
      assertEquals(0.1, dropped, 0.03, "dropped fraction");
    } finally {
      r18.detachRecorder();
    }
  }

  private static float count(NDArray mask) {
    return mask.toType(DataType.FLOAT32, false).sum().getFloat();
  }

  @Test
  void inferenceUsesRunningStatisticsSoSamplesDoNotInteract() {
    try (NDManager step = manager.newSubManager()) {
      NDArray a = step.randomNormal(new Shape(1, 3, 64, 64));
      NDArray b = step.randomNormal(new Shape(1, 3, 64, 64)).mul(3);
      NDArray pair = a.concat(b, 0);
      NDArray alone = infer(r18, a);
      NDArray together = r18.forward(new ParameterStore(step, false), pair, false).get(0);
      assertTrue(TestBlocks.maxDiff(alone.get(0), together) < 1e-4f, "inference is per sample");
      float[] running = TestBlocks.param(r18.block(), "runningMean").getArray().toFloatArray();
      r18.forward(new ParameterStore(step, false), pair, false);
      assertArrayEquals(
          running, TestBlocks.param(r18.block(), "runningMean").getArray().toFloatArray());
      NDArray trainedTogether = r18.forward(new ParameterStore(step, false), pair, true).get(0);
      NDArray trainedAlone =
          r18.forward(new ParameterStore(step, false), a.concat(a, 0), true).get(0);
      assertTrue(
          TestBlocks.maxDiff(trainedTogether, trainedAlone) > 1e-3f,
          "training uses batch statistics");
      assertNotEquals(
          running[0], TestBlocks.param(r18.block(), "runningMean").getArray().toFloatArray()[0]);
    }
  }

  private static NDArray infer(SegmentationModel m, NDArray x) {
    return m.forward(new ParameterStore(x.getManager(), false), x, false);
  }

  @Test
  void batchOfOneTrainsThroughTheImagePooling() {
    try (NDManager step = manager.newSubManager()) {
      NDArray y =
          r18.forward(
              new ParameterStore(step, false), step.randomNormal(new Shape(1, 3, 64, 64)), true);
      assertEquals(new Shape(1, 2, 64, 64), y.getShape());
    }
  }
}
