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
        DilatedConvolutions.splitsIntoPhases(
            new Shape(4, 512, 64, 16), K3, same(8, 3), false, NOT_ASKED, cpu),
        "16 columns: 2 phase columns");
  }

  private static boolean splits(long size, ConvGeometry g, boolean bf16, Device device) {
    return DilatedConvolutions.splitsIntoPhases(
        new Shape(4, 512, size, size), K3, g, bf16, NOT_ASKED, device);
  }

  /** Whether gradients are recorded matters for depthwise convolutions only. */
  private static final java.util.function.BooleanSupplier NOT_ASKED =
      () -> {
        throw new AssertionError("gradient recording asked for a convolution with groups 1");
      };

  @Test
  void splitsDilatedDepthwiseConvolutionsWhileGradientsAreRecorded() {
    Device cpu = Device.cpu();
    assertTrue(depthwise(32, 12, false, true, cpu), "the student's ASPP, rate 12, at 256 pixels");
    assertTrue(depthwise(32, 12, true, true, cpu), "bfloat16 too");
    assertTrue(depthwise(64, 24, false, true, cpu), "3x3 phases");
    assertTrue(depthwise(32, 8, false, true, cpu));
    assertFalse(depthwise(32, 12, false, false, cpu), "forward alone: the direct kernel");
    assertFalse(depthwise(16, 12, false, true, cpu), "2x2 phases: far slower backward");
    assertFalse(depthwise(64, 36, true, true, cpu), "2x2 phases");
    assertFalse(depthwise(64, 6, false, true, cpu), "dilation 6 takes the depthwise kernel");
    assertFalse(depthwise(32, 12, false, true, Device.gpu(0)), "CPU only");
    // Grouped but not depthwise (two input channels per group): not split.
    assertFalse(
        DilatedConvolutions.splitsIntoPhases(
            new Shape(4, 512, 32, 32),
            new Shape(256, 2, 3, 3),
            new ConvGeometry(1, 1, 12, 12, 12, 12, 256),
            false,
            () -> true,
            cpu));
  }

  /**
   * The route itself, seen in autograd's graph (a depthwise convolution's 9-term sums come out the
   * same bit for bit either way): the phases end in a reshape, the direct kernel in a convolution.
   */
  @Test
  void aDepthwiseConvolutionBeingTrainedTakesThePhases() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      long channels = 16;
      NDArray x = m.randomNormal(new Shape(2, channels, 32, 32));
      NDArray w = m.randomNormal(new Shape(channels, 1, 3, 3));
      w.setRequiresGradient(true);
      ConvGeometry d12 = new ConvGeometry(1, 1, 12, 12, 12, 12, channels);
      ConvGeometry d6 = new ConvGeometry(1, 1, 6, 6, 6, 6, channels);
      try (ai.djl.training.GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        String split = lastFunction(Convolutions.conv2d(x, w, null, d12, false));
        String direct = lastFunction(Convolutions.conv2d(x, w, null, d6, false));
        assertTrue(direct.startsWith("Convolution"), direct);
        assertFalse(split.startsWith("Convolution"), split);
      }
    }
  }

  private static String lastFunction(NDArray y) {
    return ai.djl.pytorch.jni.JniUtils.getGradientFunctionNames(
        (ai.djl.pytorch.engine.PtNDArray) y);
  }

  private static boolean depthwise(
      long size, long dilation, boolean bf16, boolean gradients, Device device) {
    long channels = 512;
    return DilatedConvolutions.splitsIntoPhases(
        new Shape(4, channels, size, size),
        new Shape(channels, 1, 3, 3),
        new ConvGeometry(1, 1, dilation, dilation, dilation, dilation, channels),
        bf16,
        () -> gradients,
        device);
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
    // Depthwise (groups = channels), as the ASPP's separable convolutions.
    checkAgainstDirect(new Shape(2, 6, 30, 27), 8, 3, true, 6);
    checkAgainstDirect(new Shape(2, 16, 36, 36), 12, 3, false, 16);
  }

  private static void checkAgainstDirect(
      Shape inputShape, long dilation, int kernel, boolean bias) {
    checkAgainstDirect(inputShape, dilation, kernel, bias, 1);
  }

  private static void checkAgainstDirect(
      Shape inputShape, long dilation, int kernel, boolean bias, long groups) {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(11);
      long channels = inputShape.get(1);
      long out = groups == 1 ? 16 : channels;
      NDArray x = m.randomNormal(inputShape);
      NDArray w = m.randomNormal(new Shape(out, channels / groups, kernel, kernel));
      NDArray b = bias ? m.randomNormal(new Shape(out)) : null;
      ConvGeometry same = same(dilation, kernel);
      ConvGeometry g = new ConvGeometry(1, 1, same.padH(), same.padW(), dilation, dilation, groups);
      NDList direct = ConvComparisons.float64(x, w, b, g);
      NDList phases =
          ConvGradients.of(
              x, w, b, (xx, ww, bb) -> ScriptedOps.get().conv2dPhases(xx, ww, bb, g, false));
      assertEquals(inputShape.get(2), phases.get(0).getShape().get(2));
      assertEquals(inputShape.get(3), phases.get(0).getShape().get(3));
      ConvComparisons.assertClose(direct, phases, 1e-5, "phases");
    }
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
