package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.distill4j.engine.ScriptedOps.ConvGeometry;
import org.distill4j.testing.FloatArrays;
import org.junit.jupiter.api.Test;

/**
 * Dilated convolutions computed on their input's phases: the same numbers as the direct convolution
 * within float rounding (forward and gradients, sizes that are and are not multiples of the
 * dilation, other kernel sizes, bfloat16), and the rule that decides where it is used.
 */
class DilatedConvolutionsTest {
  private static final Shape K3 = new Shape(512, 512, 3, 3);

  private static ConvGeometry same(long dilation, long kernel) {
    long pad = dilation * (kernel - 1) / 2;
    return new ConvGeometry(1, 1, pad, pad, dilation, dilation, 1);
  }

  @Test
  void splitsLargeDilationsWhosePhasesAreNotTiny() {
    Device cpu = Device.cpu();
    // Float32 from dilation 8, bfloat16 from 16, phases at least 4x4.
    assertTrue(splits(32, same(8, 3), false, cpu), "ResNet18 at output stride 8, 256 input");
    assertTrue(splits(64, same(16, 3), false, cpu), "ResNet50 at output stride 8, 512 input");
    assertTrue(splits(64, same(16, 3), true, cpu));
    assertTrue(splits(30, same(8, 3), false, cpu), "30 rows make 4 phase rows with padding");
    assertFalse(splits(16, same(8, 3), false, cpu), "2x2 phases: the direct kernel is faster");
    assertFalse(splits(24, same(8, 3), false, cpu), "3x3 phases");
    assertFalse(splits(64, same(4, 3), false, cpu), "dilation 4 takes the direct kernel");
    assertFalse(splits(64, same(8, 3), true, cpu), "bfloat16's direct kernel takes dilation 8");
    assertFalse(splits(64, same(16, 3), false, Device.gpu(0)), "CPU only");
    assertFalse(splits(64, new ConvGeometry(1, 1, 8, 8, 8, 8, 512), false, cpu), "groups");
    assertFalse(splits(64, new ConvGeometry(2, 2, 8, 8, 8, 8, 1), false, cpu), "stride 2");
    assertFalse(splits(64, new ConvGeometry(1, 1, 4, 4, 8, 8, 1), false, cpu), "not 'same'");
    assertFalse(splits(64, new ConvGeometry(1, 1, 8, 4, 8, 4, 1), false, cpu), "two dilations");
    assertFalse(
        DilatedConvolutions.splitsIntoPhases(new Shape(4, 512, 64, 16), K3, same(8, 3), false, cpu),
        "16 columns: 2 phase columns");
  }

  private static boolean splits(long size, ConvGeometry g, boolean bf16, Device device) {
    return DilatedConvolutions.splitsIntoPhases(new Shape(4, 512, size, size), K3, g, bf16, device);
  }

  @Test
  void phaseSplittableMeansStrideOneSamePaddingAndOneDilation() {
    assertTrue(same(8, 3).phaseSplittable(new Shape(4, 4, 3, 3)));
    assertTrue(same(4, 5).phaseSplittable(new Shape(4, 4, 5, 5)), "5x5, padding 8");
    assertFalse(same(4, 5).phaseSplittable(new Shape(4, 4, 3, 3)), "padding for another kernel");
    assertFalse(same(4, 3).phaseSplittable(new Shape(4, 4, 4, 4)), "even kernel");
    assertFalse(same(1, 3).phaseSplittable(new Shape(4, 4, 3, 3)), "not dilated");
  }

  @Test
  void phasesGiveTheDirectConvolutionAndItsGradients() {
    // 32x32: a multiple of the dilation; 30x27: padded to 32x32 and cropped back.
    checkAgainstDirect(new Shape(2, 6, 32, 32), 8, 3, true);
    checkAgainstDirect(new Shape(2, 6, 30, 27), 8, 3, false);
    checkAgainstDirect(new Shape(1, 5, 21, 24), 4, 5, true);
  }

  private static void checkAgainstDirect(
      Shape inputShape, long dilation, int kernel, boolean bias) {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(11);
      long channels = inputShape.get(1);
      NDArray x = m.randomNormal(inputShape);
      NDArray w = m.randomNormal(new Shape(16, channels, kernel, kernel));
      NDArray b = bias ? m.randomNormal(new Shape(16)) : null;
      ConvGeometry g = same(dilation, kernel);
      NDList direct =
          ConvGradients.of(
              x.toType(DataType.FLOAT64, false),
              w.toType(DataType.FLOAT64, false),
              b == null ? null : b.toType(DataType.FLOAT64, false),
              (xx, ww, bb) -> Convolutions.djlConv2d(xx, ww, bb, g));
      NDList phases =
          ConvGradients.of(
              x, w, b, (xx, ww, bb) -> ScriptedOps.get().conv2dPhases(xx, ww, bb, g, false));
      assertEquals(inputShape.get(2), phases.get(0).getShape().get(2));
      assertEquals(inputShape.get(3), phases.get(0).getShape().get(3));
      String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
      for (int i = 0; i < direct.size(); i++) {
        assertEquals(direct.get(i).getShape(), phases.get(i).getShape(), names[i]);
        assertClose(direct.get(i).toFloatArray(), phases.get(i).toFloatArray(), names[i]);
      }
    }
  }

  private static void assertClose(float[] want, float[] got, String label) {
    // Sums of up to a few hundred products: float rounding is ~1e-6 of the largest value; a
    // product at a wrong position would be off by the order of the values themselves.
    FloatArrays.assertWithinFractionOfLargest(want, got, 1e-5, label);
  }

  @Test
  void bf16PhasesStayBfloat16AndAgreeWithTheBf16Convolution() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(12);
      NDArray x = m.randomNormal(new Shape(2, 4, 64, 64));
      NDArray w = m.randomNormal(new Shape(3, 4, 3, 3));
      ConvGeometry g = same(16, 3);
      ScriptedOps ops = ScriptedOps.get();
      NDArray viaPhases = ops.conv2dPhases(x, w, null, g, true);
      assertTrue(Autocast.isBf16(viaPhases), "the result stays bfloat16");
      NDArray direct = ops.conv2dBf16(x, w, null, g);
      float[] want = ops.toFloat32(direct).toFloatArray();
      float[] got = ops.toFloat32(viaPhases).toFloatArray();
      for (int i = 0; i < want.length; i++) {
        // Both round the same products' sum to 8 significant bits, possibly summed in another
        // order.
        assertEquals(want[i], got[i], Math.abs(want[i]) / 64 + 0.05, "element " + i);
      }
      assertEquals(DataType.FLOAT32, ops.toFloat32(viaPhases).getDataType());
    }
  }

  @Test
  void refusesAGeometryThatCannotBeSplitInOneLine() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.zeros(new Shape(1, 2, 16, 16));
      NDArray w = m.zeros(new Shape(2, 2, 3, 3));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  ScriptedOps.get()
                      .conv2dPhases(x, w, null, new ConvGeometry(2, 2, 4, 4, 4, 4, 1), false));
      assertTrue(e.getMessage().contains("stride-1"), e.getMessage());
      assertEquals(1, e.getMessage().lines().count());
    }
  }
}
