package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.distill4j.engine.ScriptedOps.ConvGeometry;
import org.junit.jupiter.api.Test;

/** {@link Convolutions#recordCalls}: what a forward pass convolves, and nothing outside it. */
class ConvolutionsTest {
  private static final ConvGeometry SAME = new ConvGeometry(1, 1, 1, 1, 1, 1, 1);

  @Test
  void recordsEachShapeOnceInOrderAndMarksTheInputsOwnConvolution() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.ones(new Shape(1, 4, 6, 6));
      NDArray w = m.ones(new Shape(4, 4, 3, 3));
      NDArray w2 = m.ones(new Shape(8, 4, 1, 1));
      NDArray b2 = m.zeros(new Shape(8));
      ConvGeometry pointwise = new ConvGeometry(1, 1, 0, 0, 1, 1, 1);
      List<Convolutions.Call> calls =
          new ArrayList<>(
              Convolutions.recordCalls(
                  x,
                  () -> {
                    NDArray y = Convolutions.conv2d(x, w, null, SAME, false);
                    NDArray z = Convolutions.conv2d(y, w, null, SAME, false);
                    Convolutions.conv2d(z, w, null, SAME, false);
                    return Convolutions.conv2d(z, w2, b2, pointwise, false);
                  }));
      assertEquals(3, calls.size(), calls.toString());
      assertFalse(calls.get(0).inputGradient());
      assertTrue(calls.get(1).inputGradient());
      assertEquals(calls.get(0).input(), calls.get(1).input());
      assertEquals(new Shape(8, 4, 1, 1), calls.get(2).kernel());
      assertTrue(calls.get(2).bias());
      assertEquals("1x4x6x6 * 8x4x1x1 + bias, stride 1, padding 0", calls.get(2).describe());
    }
  }

  @Test
  void nothingIsRecordedOutsideARecordingAndAnInnerOneEndsCleanly() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.ones(new Shape(1, 4, 6, 6));
      NDArray w = m.ones(new Shape(4, 4, 3, 3));
      AtomicReference<Set<Convolutions.Call>> inner = new AtomicReference<>();
      Set<Convolutions.Call> outer =
          Convolutions.recordCalls(
              x,
              () -> {
                inner.set(
                    Convolutions.recordCalls(
                        x, () -> Convolutions.conv2d(x, w, null, SAME, false)));
                return Convolutions.conv2d(
                    x, w, null, new ConvGeometry(2, 2, 1, 1, 1, 1, 1), false);
              });
      assertEquals(1, inner.get().size());
      assertEquals(1, outer.size(), "the outer recording sees its own call, not the inner one's");
      assertEquals(2, outer.iterator().next().geometry().strideH());
      Set<Convolutions.Call> after = Convolutions.recordCalls(x, () -> null);
      Convolutions.conv2d(x, w, null, SAME, false);
      assertTrue(after.isEmpty());
    }
  }

  @Test
  void describesDilationAndGroupsOnlyWhenTheyAreNotOne() {
    Convolutions.Call depthwise =
        new Convolutions.Call(
            new Shape(2, 16, 20, 20),
            new Shape(16, 1, 3, 3),
            false,
            new ConvGeometry(2, 2, 2, 2, 2, 2, 16),
            true);
    assertEquals(
        "2x16x20x20 * 16x1x3x3, stride 2, padding 2, dilation 2, groups 16", depthwise.describe());
    Convolutions.Call uneven =
        new Convolutions.Call(
            new Shape(1, 3, 8, 8),
            new Shape(4, 3, 3, 1),
            false,
            new ConvGeometry(1, 2, 1, 0, 1, 1, 1),
            true);
    assertEquals("1x3x8x8 * 4x3x3x1, stride 1x2, padding 1x0", uneven.describe());
  }
}
