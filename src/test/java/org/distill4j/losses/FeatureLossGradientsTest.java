package org.distill4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gradients of the feature losses with respect to the student against central finite differences of
 * the plain-Java formulas in {@link FeatureReference}.
 */
class FeatureLossGradientsTest {
  private static final int N = 2;
  private static final int C = 3;
  private static final int TEACHER_C = 4;
  private static final int H = 2;
  private static final int W = 3;
  private static final int HW = H * W;

  private NDManager manager;
  private double[] s;
  private double[] t;
  private double[] wideT;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    s = Reference.randomLogits(31, N * C * HW, 1.1);
    t = Reference.randomLogits(32, N * C * HW, 1.7);
    wideT = Reference.randomLogits(33, N * TEACHER_C * HW, 1.4);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private void assertGradient(
      DistillLoss loss, double[] teacher, int teacherC, ToDoubleFunction<double[]> reference) {
    NDArray student = manager.create(Reference.toFloat(s), new Shape(N, C, H, W));
    NDArray teacherArray = manager.create(Reference.toFloat(teacher), new Shape(N, teacherC, H, W));
    student.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(loss.evaluate(student, teacherArray, null));
    }
    float[] grad = student.getGradient().toFloatArray();
    double[] expected = Reference.numericGradient(reference, s);
    for (int i = 0; i < grad.length; i++) {
      double tolerance = 1e-5 + 1e-4 * Math.abs(expected[i]);
      assertEquals(expected[i], grad[i], tolerance, loss.name() + " element " + i);
    }
  }

  @Test
  void channelwiseWithTemperature() {
    assertGradient(
        new SegChannelwiseLoss(4), t, C, v -> FeatureReference.channelwise(v, t, N, C, HW, 4));
  }

  @Test
  void channelwiseWithSmallTemperature() {
    assertGradient(
        new SegChannelwiseLoss(0.5), t, C, v -> FeatureReference.channelwise(v, t, N, C, HW, 0.5));
  }

  @Test
  void paddleSlimChannelwise() {
    assertGradient(
        new PaddleSlimChannelwiseLoss(),
        t,
        C,
        v -> FeatureReference.paddleSlimChannelwise(v, t, N, C, H, W));
  }

  @Test
  void hint() {
    assertGradient(new HintLoss(), t, C, v -> FeatureReference.meanSquaredError(v, t));
  }

  @Test
  void l1() {
    assertGradient(new L1Loss(), t, C, v -> FeatureReference.meanAbsoluteError(v, t));
  }

  @Test
  void attentionTransferDefaultExponentAndWiderTeacher() {
    assertGradient(
        new AttentionTransferLoss(),
        wideT,
        TEACHER_C,
        v -> FeatureReference.attentionTransfer(v, C, wideT, TEACHER_C, N, HW, 2));
  }

  @Test
  void attentionTransferOtherExponents() {
    for (double p : new double[] {1, 3}) {
      assertGradient(
          new AttentionTransferLoss(p),
          t,
          C,
          v -> FeatureReference.attentionTransfer(v, C, t, C, N, HW, p));
    }
  }

  @Test
  void pairwiseWithWiderTeacher() {
    assertGradient(
        new PairwiseSimilarityLoss(),
        wideT,
        TEACHER_C,
        v -> FeatureReference.pairwise(v, C, wideT, TEACHER_C, N, H, W, 1));
  }

  @Test
  void pairwisePooled() {
    assertGradient(
        new PairwiseSimilarityLoss(2),
        t,
        C,
        v -> FeatureReference.pairwise(v, C, t, C, N, H, W, 2));
  }
}
