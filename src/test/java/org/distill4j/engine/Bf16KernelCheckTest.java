package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.distill4j.engine.ScriptedOps.ConvGeometry;
import org.distill4j.testing.FloatArrays;
import org.junit.jupiter.api.Test;

/**
 * bfloat16 convolutions give the numbers bfloat16 should give, whatever libtorch's kernel does on
 * this CPU: where {@link ScriptedOps#bf16KernelAgrees} finds the kernel wrong for a shape, the
 * convolution is computed from float32 (docs/reliability.md). The shapes below include ones the
 * kernel was seen to get wrong on one CPU (3x3 with 7 output channels, the input gradient of a 1x1
 * with 7 output channels and of a depthwise stride-2 convolution), and ones it got right.
 */
class Bf16KernelCheckTest {
  @Test
  void emulationIsFloat32OfTheRoundedOperandsRounded() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(21);
      NDArray x = m.randomNormal(new Shape(2, 16, 12, 12));
      NDArray w = m.randomNormal(new Shape(16, 16, 3, 3));
      NDArray b = m.randomNormal(new Shape(16));
      ScriptedOps ops = ScriptedOps.get();
      ConvGeometry g = new ConvGeometry(1, 1, 1, 1, 1, 1, 1);
      NDArray emulated = ops.conv2dBf16(x, w, b, g, true);
      assertTrue(Autocast.isBf16(emulated), "a bfloat16 result");
      NDArray want =
          ops.toBfloat16(
              Conv2d.conv2d(
                      rounded(ops, x),
                      rounded(ops, w),
                      rounded(ops, b),
                      new Shape(1, 1),
                      new Shape(1, 1),
                      new Shape(1, 1),
                      1)
                  .singletonOrThrow());
      assertArrayEquals(ops.toFloat32(want).toFloatArray(), ops.toFloat32(emulated).toFloatArray());
    }
  }

  private static NDArray rounded(ScriptedOps ops, NDArray a) {
    return ops.toFloat32(ops.toBfloat16(a));
  }

  @Test
  void bf16ConvolutionsAndTheirGradientsAreRightForEveryShape() {
    // input shape, weight shape, stride, padding, groups
    long[][] cases = {
      {2, 16, 20, 20, 7, 16, 3, 3, 1, 1, 1}, // 3x3, 7 output channels
      {2, 32, 20, 20, 7, 32, 1, 1, 1, 0, 1}, // 1x1, 7 output channels
      {2, 16, 20, 20, 16, 1, 3, 3, 2, 1, 16}, // depthwise, stride 2
      {2, 6, 20, 20, 32, 6, 3, 3, 1, 1, 1}, // 6 input channels
      {2, 32, 20, 20, 32, 32, 3, 3, 1, 1, 1}, // right where seen
      {2, 3, 32, 32, 32, 3, 3, 3, 2, 1, 1}, // a stem
    };
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(22);
      ScriptedOps ops = ScriptedOps.get();
      for (long[] c : cases) {
        Shape xs = new Shape(c[0], c[1], c[2], c[3]);
        Shape ws = new Shape(c[4], c[5], c[6], c[7]);
        ConvGeometry g = new ConvGeometry(c[8], c[8], c[9], c[9], 1, 1, c[10]);
        NDArray x = rounded(ops, m.randomNormal(xs));
        NDArray w = rounded(ops, m.randomNormal(ws));
        String label = xs + " * " + ws + " " + g;
        for (int call = 0; call < 2; call++) {
          NDList want =
              ConvGradients.of(
                  x.toType(DataType.FLOAT64, false),
                  w.toType(DataType.FLOAT64, false),
                  null,
                  // float64: libtorch's own kernel, not oneDNN's; the operands are bfloat16 values
                  // already.
                  (xx, ww, bb) -> Convolutions.djlConv2d(xx, ww, null, g));
          NDList got =
              ConvGradients.of(
                  x, w, null, (xx, ww, bb) -> ops.toFloat32(ops.conv2dBf16(xx, ww, null, g)));
          String[] names = {"output", "input gradient", "weight gradient"};
          for (int i = 0; i < 3; i++) {
            assertWithinBf16(want.get(i), got.get(i), label + ", call " + call + ": " + names[i]);
          }
        }
      }
    }
  }

  private static void assertWithinBf16(NDArray want, NDArray got, String label) {
    // bfloat16 keeps 8 significant bits: a right kernel is within a few tenths of a percent of the
    // largest value; the wrong ones seen were off by tens of percent.
    FloatArrays.assertWithinFractionOfLargest(want.toFloatArray(), got.toFloatArray(), 0.02, label);
  }

  @Test
  void aShapeIsListedAsAFallbackExactlyWhenItsKernelDisagrees() {
    // Whichever the verdict on this machine, the list must agree with it.
    ScriptedOps ops = ScriptedOps.get();
    Shape input = new Shape(2, 16, 20, 20);
    Shape kernel = new Shape(7, 16, 3, 3);
    ConvGeometry g = new ConvGeometry(1, 1, 1, 1, 1, 1, 1);
    boolean agrees = ops.bf16KernelAgrees(input, kernel, true, g, true);
    Convolutions.Call call = new Convolutions.Call(input, kernel, true, g, true);
    assertEquals(!agrees, ops.bf16Fallbacks().contains(call), call.describe());
    int listed = ops.bf16Fallbacks().size();
    assertEquals(agrees, ops.bf16KernelAgrees(input, kernel, true, g, true), "the same verdict");
    assertEquals(listed, ops.bf16Fallbacks().size(), "a shape is listed once");
  }
}
