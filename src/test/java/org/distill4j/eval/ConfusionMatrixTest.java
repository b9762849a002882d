package org.distill4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {
  // 4 classes; class 3 is neither labelled nor predicted on counted pixels (zero union).
  // The two ignored pixels are predicted 3 and 0 and must not count anywhere.
  private static final int[] LABEL = {0, 0, 0, 0, 1, 1, 1, 2, 2, 255, 255};
  private static final int[] PRED = {0, 0, 1, 2, 1, 1, 0, 2, 1, 3, 0};

  // Areas counted by hand from the arrays above.
  private static final long[] I = {2, 2, 1, 0};
  private static final long[] P = {3, 4, 2, 0};
  private static final long[] L = {4, 3, 2, 0};

  private static ConfusionMatrix filled() {
    ConfusionMatrix cm = new ConfusionMatrix(4, 255);
    cm.add(PRED, LABEL);
    return cm;
  }

  @Test
  void areasSkipIgnoredPixels() {
    ConfusionMatrix cm = filled();
    assertArrayEquals(I, cm.intersect());
    assertArrayEquals(P, cm.predArea());
    assertArrayEquals(L, cm.labelArea());
    assertEquals(1, cm.count(0, 2));
  }

  @Test
  void metricsFollowPaddleSegFormulas() {
    SegMetrics m = filled().compute();
    double[] iou = new double[4];
    double[] dice = new double[4];
    for (int i = 0; i < 4; i++) {
      double union = P[i] + L[i] - I[i];
      iou[i] = union == 0 ? 0 : I[i] / union;
      dice[i] = P[i] + L[i] == 0 ? 0 : 2.0 * I[i] / (P[i] + L[i]);
    }
    assertArrayEquals(new double[] {2 / 5.0, 2 / 5.0, 1 / 3.0, 0}, iou, 1e-12);
    assertArrayEquals(iou, m.classIou(), 1e-12);
    assertEquals((iou[0] + iou[1] + iou[2] + iou[3]) / 4, m.miou(), 1e-12);
    assertEquals(5 / 9.0, m.acc(), 1e-12);
    assertArrayEquals(new double[] {2 / 3.0, 2 / 4.0, 1 / 2.0, 0}, m.classPrecision(), 1e-12);
    assertArrayEquals(new double[] {2 / 4.0, 2 / 3.0, 1 / 2.0, 0}, m.classRecall(), 1e-12);
    double po = 5 / 9.0;
    double pe = (3 * 4 + 4 * 3 + 2 * 2 + 0) / 81.0;
    assertEquals((po - pe) / (1 - pe), m.kappa(), 1e-12);
    assertEquals(17 / 53.0, m.kappa(), 1e-12);
    assertArrayEquals(dice, m.classDice(), 1e-12);
    assertEquals((4 / 7.0 + 4 / 7.0 + 0.5 + 0) / 4, m.mdice(), 1e-12);
  }

  @Test
  void formatPrintsPaddleSegLines() {
    String text = filled().compute().format(3);
    String[] lines = text.split("\n");
    assertEquals("[EVAL] #Images: 3 mIoU: 0.2833 Acc: 0.5556 Kappa: 0.3208 Dice: 0.4107", lines[0]);
    assertEquals("[EVAL] Class IoU: ", lines[1]);
    assertEquals("[0.4000 0.4000 0.3333 0.0000]", lines[2]);
    assertEquals("[EVAL] Class Precision: ", lines[3]);
    assertEquals("[0.6667 0.5000 0.5000 0.0000]", lines[4]);
    assertEquals("[EVAL] Class Recall: ", lines[5]);
    assertEquals("[0.5000 0.6667 0.5000 0.0000]", lines[6]);
  }

  @Test
  void mergeEqualsCountingEverything() {
    ConfusionMatrix a = new ConfusionMatrix(4, 255);
    ConfusionMatrix b = new ConfusionMatrix(4, 255);
    a.add(Arrays.copyOfRange(PRED, 0, 5), Arrays.copyOfRange(LABEL, 0, 5));
    b.add(Arrays.copyOfRange(PRED, 5, 11), Arrays.copyOfRange(LABEL, 5, 11));
    a.merge(b);
    assertArrayEquals(I, a.intersect());
    assertArrayEquals(P, a.predArea());
    assertArrayEquals(L, a.labelArea());
    assertThrows(IllegalArgumentException.class, () -> a.merge(new ConfusionMatrix(3, 255)));
  }

  @Test
  void ndArrayInputCountsTheSame() {
    try (NDManager manager = NDManager.newBaseManager()) {
      long[] pred = Arrays.stream(PRED).asLongStream().toArray();
      ConfusionMatrix cm = new ConfusionMatrix(4, 255);
      cm.add(manager.create(pred, new Shape(1, 11)), manager.create(LABEL, new Shape(1, 11)));
      assertArrayEquals(I, cm.intersect());
      assertArrayEquals(P, cm.predArea());
    }
  }

  @Test
  void badInputIsRejected() {
    ConfusionMatrix cm = new ConfusionMatrix(4, 255);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> cm.add(new int[] {0, 1}, new int[] {0, 9}));
    assertTrue(e.getMessage().contains("label value 9"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> cm.add(new int[] {0}, new int[] {0, 1}));
    assertThrows(IllegalArgumentException.class, () -> cm.add(new int[] {4}, new int[] {0}));
    assertArrayEquals(new long[4], cm.labelArea(), "a rejected image must not count");
  }

  @Test
  void emptyMatrixGivesZeros() {
    SegMetrics m = new ConfusionMatrix(2).compute();
    assertEquals(0, m.miou());
    assertEquals(0, m.acc());
    assertEquals(0, m.kappa());
  }

  @Test
  void perfectSingleClassAgreementHasKappaOne() {
    ConfusionMatrix cm = new ConfusionMatrix(2);
    cm.add(new int[] {1, 1}, new int[] {1, 1});
    assertEquals(1.0, cm.compute().kappa());
  }
}
