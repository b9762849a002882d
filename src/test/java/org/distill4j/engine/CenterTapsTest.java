package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.distill4j.engine.ScriptedOps.ConvGeometry;
import org.distill4j.testing.FloatArrays;
import org.junit.jupiter.api.Test;

/**
 * Dilated convolutions whose off-center taps read only padding ({@link CenterTaps}): the rule, and
 * the same numbers as the full convolution in float64 (output and gradients, the left-out taps'
 * gradients exactly zero) through {@link Convolutions#conv2d}, which takes the short route.
 */
class CenterTapsTest {
  private static ConvGeometry same(long dilationH, long dilationW, long groups) {
    return new ConvGeometry(1, 1, dilationH, dilationW, dilationH, dilationW, groups);
  }

  @Test
  void onlyAxesWhoseDilationReachesPastTheInputReduce() {
    Shape k3 = new Shape(8, 8, 3, 3);
    Shape input = new Shape(2, 8, 8, 16);
    assertTrue(CenterTaps.rowsReadOnlyPadding(input, k3, same(8, 8, 1)), "8 rows, dilation 8");
    assertFalse(CenterTaps.columnsReadOnlyPadding(input, k3, same(8, 8, 1)), "16 columns");
    assertTrue(CenterTaps.columnsReadOnlyPadding(input, k3, same(16, 16, 1)));
    assertFalse(CenterTaps.rowsReadOnlyPadding(input, k3, same(7, 7, 1)), "row 0 reaches row 7");
    assertFalse(
        CenterTaps.rowsReadOnlyPadding(input, k3, new ConvGeometry(2, 2, 8, 8, 8, 8, 1)),
        "stride 2");
    assertFalse(
        CenterTaps.rowsReadOnlyPadding(input, k3, new ConvGeometry(1, 1, 4, 4, 8, 8, 1)),
        "not 'same' padding");
    assertFalse(CenterTaps.rowsReadOnlyPadding(input, new Shape(8, 8, 1, 1), same(8, 8, 1)), "1x1");
    assertFalse(
        CenterTaps.rowsReadOnlyPadding(input, new Shape(8, 8, 4, 4), same(8, 8, 1)), "even");
    assertTrue(
        CenterTaps.rowsReadOnlyPadding(new Shape(1, 8, 1, 1), k3, same(1, 1, 1)),
        "a 1x1 input with an undilated 3x3 kernel");
    ConvGeometry pointwise = new ConvGeometry(1, 1, 0, 0, 1, 1, 8);
    assertTrue(
        CenterTaps.isPerChannelScale(new Shape(2, 8, 4, 4), new Shape(8, 1, 1, 1), pointwise));
    assertFalse(
        CenterTaps.isPerChannelScale(new Shape(2, 8, 4, 4), new Shape(16, 1, 1, 1), pointwise),
        "two outputs per channel");
    assertFalse(
        CenterTaps.isPerChannelScale(new Shape(2, 8, 4, 4), new Shape(8, 1, 3, 1), pointwise),
        "3x1");
  }

  @Test
  void theReducedConvolutionIsTheFullOneWithItsGradients() {
    // groups 1, both axes; one axis only (rows); depthwise (a per-channel scale); with and
    // without a bias. 16 output channels where the reduced convolution is libtorch's: its float32
    // input gradient of a 1x3 kernel with 8 is wrong on one CPU (docs/reliability.md).
    check(new Shape(2, 16, 8, 8), new Shape(16, 16, 3, 3), same(8, 8, 1), true, true, true);
    check(new Shape(2, 16, 4, 12), new Shape(16, 16, 3, 3), same(6, 6, 1), false, true, false);
    check(new Shape(2, 16, 6, 6), new Shape(16, 1, 3, 3), same(12, 12, 16), true, true, true);
    check(new Shape(1, 8, 5, 7), new Shape(8, 1, 3, 3), same(24, 24, 8), false, true, true);
  }

  private static void check(
      Shape input, Shape kernel, ConvGeometry g, boolean bias, boolean rows, boolean columns) {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(31);
      NDArray x = m.randomNormal(input);
      NDArray w = m.randomNormal(kernel);
      NDArray b = bias ? m.randomNormal(new Shape(kernel.get(0))) : null;
      assertEquals(rows, CenterTaps.rowsReadOnlyPadding(input, kernel, g));
      assertEquals(columns, CenterTaps.columnsReadOnlyPadding(input, kernel, g));
      NDList reduced =
          ConvGradients.of(x, w, b, (xx, ww, bb) -> Convolutions.conv2d(xx, ww, bb, g, false));
      ConvComparisons.assertClose(ConvComparisons.float64(x, w, b, g), reduced, 1e-5, "reduced");
      // The taps left out: their gradients are exact zeros, as in the full convolution.
      NDArray dw = reduced.get(2);
      long ch = (kernel.get(2) - 1) / 2;
      long cw = (kernel.get(3) - 1) / 2;
      for (long r = 0; r < kernel.get(2); r++) {
        for (long c = 0; c < kernel.get(3); c++) {
          boolean used = (!rows || r == ch) && (!columns || c == cw);
          if (!used) {
            float[] tap = dw.get(new NDIndex(":, :, {}, {}", r, c)).toFloatArray();
            assertArrayEquals(new float[tap.length], tap, "tap " + r + "," + c);
          }
        }
      }
    }
  }

  @Test
  void convolutionsTakeTheShortRoute() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(32);
      NDArray x = m.randomNormal(new Shape(2, 16, 8, 8));
      NDArray w = m.randomNormal(new Shape(16, 16, 3, 3));
      NDArray dw = m.randomNormal(new Shape(16, 1, 3, 3));
      NDArray b = m.randomNormal(new Shape(16));
      ConvGeometry g = same(8, 8, 1);
      NDArray center = CenterTaps.centerWeights(w, true, true, m);
      assertEquals(new Shape(16, 16, 1, 1), center.getShape());
      // The 1x1 center through the same path (which, with one intra-op thread, gives a 1x1
      // convolution a no-op dilation: FallbackRoute), bit for bit.
      NDArray want =
          Convolutions.conv2d(x, center, b, new ConvGeometry(1, 1, 0, 0, 1, 1, 1), false);
      assertArrayEquals(
          want.toFloatArray(), Convolutions.conv2d(x, w, b, g, false).toFloatArray(), "1x1");
      NDArray scaled =
          CenterTaps.perChannelScale(x, CenterTaps.centerWeights(dw, true, true, m), b);
      assertArrayEquals(
          scaled.toFloatArray(),
          Convolutions.conv2d(x, dw, b, same(8, 8, 16), false).toFloatArray(),
          "a per-channel scale");
    }
  }

  @Test
  void bfloat16TakesTheReducedConvolutionToo() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(33);
      ScriptedOps ops = ScriptedOps.get();
      NDArray x = ops.toFloat32(ops.toBfloat16(m.randomNormal(new Shape(2, 16, 8, 8))));
      NDArray w = ops.toFloat32(ops.toBfloat16(m.randomNormal(new Shape(16, 16, 3, 3))));
      ConvGeometry g = same(8, 8, 1);
      NDArray got = ops.toFloat32(Convolutions.conv2d(x, w, null, g, true));
      NDArray want =
          ops.toFloat32(
              ops.conv2dBf16(
                  x,
                  CenterTaps.centerWeights(w, true, true, m),
                  null,
                  CenterTaps.reduced(g, true, true)));
      assertArrayEquals(want.toFloatArray(), got.toFloatArray());
      NDArray float64 =
          Convolutions.djlConv2d(
              x.toType(DataType.FLOAT64, false), w.toType(DataType.FLOAT64, false), null, g);
      FloatArrays.assertWithinFractionOfLargest(
          float64.toType(DataType.FLOAT32, false).toFloatArray(), got.toFloatArray(), 0.02, "bf16");
    }
  }

  @Test
  void nothingIsLeftInTheWeightsManager() {
    // The weights belong to a model's manager, which lives as long as the model: a call must leave
    // nothing there (the first version kept two arrays per call, 15 GB over a tutorial).
    try (NDManager model = NDManager.newBaseManager()) {
      NDArray w = model.randomNormal(new Shape(16, 16, 3, 3));
      NDArray dw = model.randomNormal(new Shape(16, 1, 3, 3));
      NDArray b = model.randomNormal(new Shape(16));
      int before = model.getManagedArrays().size();
      for (boolean bf16 : new boolean[] {false, true}) {
        try (NDManager step = model.newSubManager()) {
          NDArray x = step.randomNormal(new Shape(2, 16, 8, 8));
          Convolutions.conv2d(x, w, b, same(8, 8, 1), bf16);
          Convolutions.conv2d(x, dw, b, same(8, 8, 16), bf16);
          Convolutions.conv2d(x, w, null, same(6, 6, 1), bf16);
        }
        assertEquals(before, model.getManagedArrays().size(), "bf16 " + bf16);
      }
    }
  }
}
