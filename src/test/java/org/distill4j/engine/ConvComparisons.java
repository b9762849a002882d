package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import org.distill4j.engine.ScriptedOps.ConvGeometry;
import org.distill4j.testing.FloatArrays;

/**
 * What the engine's convolution tests compare: a convolution's output and gradients ({@link
 * ConvGradients#of}) against libtorch's float64 convolution of the same operands.
 */
final class ConvComparisons {
  /** The parts {@link ConvGradients#of} returns, in order (the bias gradient only with a bias). */
  private static final String[] PARTS = {
    "output", "input gradient", "weight gradient", "bias gradient"
  };

  private ConvComparisons() {}

  /**
   * libtorch's float64 convolution of {@code x}, {@code w} and {@code b} (converted to float64; b
   * may be null): its output and gradients, in float32.
   */
  static NDList float64(NDArray x, NDArray w, NDArray b, ConvGeometry g) {
    return float64(x, w, b, g, true);
  }

  /**
   * {@link #float64(NDArray, NDArray, NDArray, ConvGeometry)}, without the input's gradient where
   * {@code inputGradient} is false (a model's first layer).
   */
  static NDList float64(NDArray x, NDArray w, NDArray b, ConvGeometry g, boolean inputGradient) {
    return ConvGradients.of(
        x.toType(DataType.FLOAT64, false),
        w.toType(DataType.FLOAT64, false),
        b == null ? null : b.toType(DataType.FLOAT64, false),
        inputGradient,
        (xx, ww, bb) -> Convolutions.djlConv2d(xx, ww, bb, g));
  }

  /**
   * The same parts, each of the same shape and within {@code fraction} of its largest value of
   * {@code want}. Sums of up to a few hundred products round to about 1e-6 of the largest value; a
   * product at a wrong position is off by the order of the values themselves.
   */
  static void assertClose(NDList want, NDList got, double fraction, String label) {
    assertClose(want, got, fraction, true, label);
  }

  /**
   * {@link #assertClose(NDList, NDList, double, String)} for parts made with or without the input's
   * gradient.
   */
  static void assertClose(
      NDList want, NDList got, double fraction, boolean inputGradient, String label) {
    assertEquals(want.size(), got.size(), label + ": parts");
    for (int i = 0; i < want.size(); i++) {
      String what = label + ": " + PARTS[inputGradient || i == 0 ? i : i + 1];
      assertEquals(want.get(i).getShape(), got.get(i).getShape(), what);
      FloatArrays.assertWithinFractionOfLargest(
          want.get(i).toFloatArray(), got.get(i).toFloatArray(), fraction, what);
    }
  }
}
