package org.distill4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Values of the feature-distillation losses against {@link FeatureReference}. */
class FeatureLossesTest {
  private static final int N = 2;
  private static final int C = 3;
  private static final int TEACHER_C = 5;
  // H != W so that a softmax or pooling over the wrong axis shows.
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
    s = Reference.randomLogits(21, N * C * HW, 1.3);
    t = Reference.randomLogits(22, N * C * HW, 2.0);
    wideT = Reference.randomLogits(23, N * TEACHER_C * HW, 1.5);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private NDArray array(double[] values, int c, int h, int w) {
    return manager.create(Reference.toFloat(values), new Shape(N, c, h, w));
  }

  private double value(DistillLoss loss, double[] student, double[] teacher, int teacherC) {
    return loss.evaluate(array(student, C, H, W), array(teacher, teacherC, H, W), null).getFloat();
  }

  @Test
  void channelwiseMatchesCwdPaperFormula() {
    for (double tau : new double[] {1, 4, 0.5}) {
      assertEquals(
          FeatureReference.channelwise(s, t, N, C, HW, tau),
          value(new SegChannelwiseLoss(tau), s, t, C),
          1e-5,
          "tau " + tau);
    }
  }

  @Test
  void channelwiseIsKlOfOneChannelOverSpaceTimesTauSquared() {
    // One sample, one channel: the loss is the plain KL of two distributions over H·W, × τ².
    double[] a = {0.1, 0.7, -0.4, 1.0};
    double[] b = {1.0, 0.0, 0.5, -1.0};
    double tau = 2;
    double[] p = new double[4];
    double[] q = new double[4];
    double sp = 0;
    double sq = 0;
    for (int i = 0; i < 4; i++) {
      p[i] = Math.exp(a[i] / tau);
      q[i] = Math.exp(b[i] / tau);
      sp += p[i];
      sq += q[i];
    }
    double kl = 0;
    for (int i = 0; i < 4; i++) {
      kl += q[i] / sq * Math.log((q[i] / sq) / (p[i] / sp));
    }
    NDArray student = manager.create(Reference.toFloat(a), new Shape(1, 1, 2, 2));
    NDArray teacher = manager.create(Reference.toFloat(b), new Shape(1, 1, 2, 2));
    float loss = new SegChannelwiseLoss(tau).evaluate(student, teacher, null).getFloat();
    assertEquals(kl * tau * tau, loss, 1e-6);
  }

  @Test
  void paddleSlimChannelwiseMatchesSoftmaxOverWidthMeanOverElements() {
    double expected = FeatureReference.paddleSlimChannelwise(s, t, N, C, H, W);
    assertEquals(expected, value(new PaddleSlimChannelwiseLoss(), s, t, C), 1e-6);
    assertNotEquals(
        FeatureReference.channelwise(s, t, N, C, HW, 1) / HW, expected, 1e-3, "not the CWD form");
  }

  @Test
  void hintAndL1AreMeanErrorsOverAllElements() {
    assertEquals(FeatureReference.meanSquaredError(s, t), value(new HintLoss(), s, t, C), 1e-5);
    assertEquals(FeatureReference.meanAbsoluteError(s, t), value(new L1Loss(), s, t, C), 1e-5);
  }

  @Test
  void attentionTransferMatchesReferenceForSeveralExponents() {
    for (double p : new double[] {1, 2, 3.5, 4}) {
      assertEquals(
          FeatureReference.attentionTransfer(s, C, t, C, N, HW, p),
          value(new AttentionTransferLoss(p), s, t, C),
          1e-6,
          "p " + p);
    }
  }

  @Test
  void attentionTransferAcceptsDifferentChannelCounts() {
    assertEquals(
        FeatureReference.attentionTransfer(s, C, wideT, TEACHER_C, N, HW, 2),
        value(new AttentionTransferLoss(), s, wideT, TEACHER_C),
        1e-6);
  }

  @Test
  void pairwiseMatchesReferenceWithDifferentChannelCounts() {
    assertEquals(
        FeatureReference.pairwise(s, C, t, C, N, H, W, 1),
        value(new PairwiseSimilarityLoss(), s, t, C),
        1e-6);
    assertEquals(
        FeatureReference.pairwise(s, C, wideT, TEACHER_C, N, H, W, 1),
        value(new PairwiseSimilarityLoss(), s, wideT, TEACHER_C),
        1e-6);
  }

  @Test
  void pairwisePoolsWithClippedBorderWindows() {
    int h = 3;
    int w = 5;
    double[] bigS = Reference.randomLogits(24, N * C * h * w, 1.0);
    double[] bigT = Reference.randomLogits(25, N * TEACHER_C * h * w, 1.0);
    for (int k : new int[] {2, 4}) {
      float loss =
          new PairwiseSimilarityLoss(k)
              .evaluate(array(bigS, C, h, w), array(bigT, TEACHER_C, h, w), null)
              .getFloat();
      assertEquals(
          FeatureReference.pairwise(bigS, C, bigT, TEACHER_C, N, h, w, k), loss, 1e-6, "k " + k);
    }
  }

  private List<DistillLoss> allLosses() {
    return List.of(
        new SegChannelwiseLoss(3),
        new PaddleSlimChannelwiseLoss(),
        new HintLoss(),
        new L1Loss(),
        new AttentionTransferLoss(3),
        new PairwiseSimilarityLoss(2));
  }

  @Test
  void identicalInputsGiveZero() {
    for (DistillLoss loss : allLosses()) {
      NDArray x = array(s, C, H, W);
      assertEquals(0.0, loss.evaluate(x, x.duplicate(), null).getFloat(), 1e-7, loss.name());
    }
  }

  @Test
  void channelFreeLossesIgnoreDuplicatedTeacherChannels() {
    NDArray student = array(s, C, H, W);
    NDArray teacher = student.concat(student, 1);
    assertEquals(
        0.0, new AttentionTransferLoss().evaluate(student, teacher, null).getFloat(), 1e-7);
    assertEquals(
        0.0, new PairwiseSimilarityLoss().evaluate(student, teacher, null).getFloat(), 1e-6);
  }

  @Test
  void labelsAreIgnored() {
    NDArray labels = manager.create(new int[N * HW], new Shape(N, H, W));
    for (DistillLoss loss : allLosses()) {
      float with = loss.evaluate(array(s, C, H, W), array(t, C, H, W), labels).getFloat();
      assertEquals(value(loss, s, t, C), with, 0.0, loss.name());
    }
  }

  @Test
  void sameShapeLossesRejectDifferentChannelsWithBothShapes() {
    for (DistillLoss loss : allLosses().subList(0, 4)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> loss.evaluate(array(s, C, H, W), array(wideT, TEACHER_C, H, W), null));
      assertTrue(e.getMessage().startsWith(loss.name() + ": "), e.getMessage());
      assertTrue(e.getMessage().contains("(2, 3, 2, 3)"), e.getMessage());
      assertTrue(e.getMessage().contains("(2, 5, 2, 3)"), e.getMessage());
    }
  }

  @Test
  void channelFreeLossesRejectDifferentSpatialSizeOrBatch() {
    NDArray student = array(s, C, H, W);
    NDArray otherSize = manager.zeros(new Shape(N, C, W, H));
    NDArray otherBatch = manager.zeros(new Shape(N + 1, C, H, W));
    NDArray threeD = manager.zeros(new Shape(N, C, HW));
    for (DistillLoss loss : allLosses().subList(4, 6)) {
      for (NDArray teacher : List.of(otherSize, otherBatch, threeD)) {
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class, () -> loss.evaluate(student, teacher, null));
        assertTrue(e.getMessage().contains(teacher.getShape().toString()), e.getMessage());
      }
    }
  }
}
