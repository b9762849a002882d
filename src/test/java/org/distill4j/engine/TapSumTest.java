package org.distill4j.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.distill4j.engine.ScriptedOps.ConvGeometry;
import org.junit.jupiter.api.Test;

/**
 * {@link TapSum}, {@code check --kernels}' float64 reference: the same output and gradients as
 * libtorch's float64 convolution for every kind of geometry the models use and a few they do not.
 */
class TapSumTest {
  @Test
  void givesLibtorchsConvolutionAndGradientsForEveryGeometry() {
    // stride, padding, dilation, groups: plain 3x3, strided, dilated, asymmetric, depthwise,
    // grouped with a channel multiplier, 1x1, and a kernel wider than tall on a non-square input.
    check(
        new Shape(2, 6, 9, 9), new Shape(4, 6, 3, 3), new ConvGeometry(1, 1, 1, 1, 1, 1, 1), true);
    check(
        new Shape(2, 6, 9, 8), new Shape(4, 6, 3, 3), new ConvGeometry(2, 2, 1, 1, 1, 1, 1), false);
    check(
        new Shape(1, 4, 11, 11),
        new Shape(5, 4, 3, 3),
        new ConvGeometry(1, 1, 4, 4, 4, 4, 1),
        true);
    check(
        new Shape(2, 4, 10, 7), new Shape(3, 4, 3, 3), new ConvGeometry(2, 1, 2, 0, 2, 1, 1), true);
    check(
        new Shape(2, 6, 8, 8), new Shape(6, 1, 3, 3), new ConvGeometry(1, 1, 2, 2, 2, 2, 6), false);
    check(
        new Shape(2, 6, 8, 8), new Shape(12, 2, 3, 3), new ConvGeometry(2, 2, 1, 1, 1, 1, 3), true);
    check(
        new Shape(3, 5, 4, 6), new Shape(7, 5, 1, 1), new ConvGeometry(1, 1, 0, 0, 1, 1, 1), true);
    check(
        new Shape(1, 3, 7, 12),
        new Shape(2, 3, 1, 5),
        new ConvGeometry(1, 3, 0, 2, 1, 1, 1),
        false);
  }

  private static void check(Shape input, Shape kernel, ConvGeometry g, boolean bias) {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(51);
      NDArray x = m.randomNormal(input).toType(DataType.FLOAT64, false);
      NDArray w = m.randomNormal(kernel).toType(DataType.FLOAT64, false);
      NDArray b =
          bias ? m.randomNormal(new Shape(kernel.get(0))).toType(DataType.FLOAT64, false) : null;
      NDList taps = ConvGradients.of(x, w, b, (xx, ww, bb) -> TapSum.conv2d(xx, ww, bb, g));
      ConvComparisons.assertClose(ConvComparisons.float64(x, w, b, g), taps, 1e-6, g.toString());
    }
  }
}
