package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.distill4j.testing.FloatArrays;
import org.junit.jupiter.api.Test;

/** The TorchScript kernels: loaded from the archive written here, and the arithmetic they do. */
class ScriptedOpsTest {
  @Test
  void theArchiveHoldsTheModuleAsTorchSaveLaysItOut() throws Exception {
    List<String> names = new ArrayList<>();
    String code = null;
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(ScriptedOps.archive()))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        names.add(e.getName());
        assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
        byte[] data = zip.readAllBytes();
        if (e.getName().endsWith("__torch__.py")) {
          code = new String(data, StandardCharsets.UTF_8);
        }
      }
    }
    assertEquals(
        List.of(
            "scripted_ops/data.pkl",
            "scripted_ops/code/__torch__.py",
            "scripted_ops/constants.pkl",
            "scripted_ops/version"),
        names);
    assertTrue(code.contains("class ScriptedOps(Module):"), code);
    // GLOBAL __torch__ ScriptedOps, then NEWOBJ with the state dict; ends with BUILD, STOP.
    String pickle =
        new String(TorchScriptArchive.modulePickle("ScriptedOps"), StandardCharsets.ISO_8859_1);
    assertTrue(pickle.startsWith("\u0080\u0002c__torch__\nScriptedOps\n)\u0081}("), pickle);
    assertTrue(pickle.endsWith("training\u0088ub."), pickle);
    assertThrows(
        IllegalArgumentException.class, () -> TorchScriptArchive.build("a", "not-a-name", ""));
  }

  @Test
  void libtorchLoadsTheKernels() {
    assertNull(ScriptedOps.unavailableReason());
    assertNotNull(ScriptedOps.get());
  }

  /** The per-parameter arithmetic, as Momentum.apply writes it with DJL's operations. */
  private static void perParameterMomentum(
      NDArray w, NDArray g, NDArray v, double lr, double momentum, double wd) {
    if (wd != 0) {
      g.addi(w.mul((float) wd));
    }
    if (momentum == 0) {
      w.subi(g.mul((float) lr));
      return;
    }
    v.muli((float) momentum).addi(g);
    w.subi(v.mul((float) lr));
  }

  /** Random arrays of the given shapes. */
  private static List<NDArray> randomArrays(NDManager m, long[][] shapes) {
    List<NDArray> out = new ArrayList<>();
    for (long[] s : shapes) {
      out.add(m.randomNormal(new Shape(s)));
    }
    return out;
  }

  private static List<NDArray> duplicates(List<NDArray> arrays) {
    return arrays.stream().map(NDArray::duplicate).toList();
  }

  /**
   * For momentum 0.9 and 0, each with weight decay 0 and 0.05 (large enough, as are the learning
   * rates, that leaving out any term moves the results by far more than rounding): runs {@code
   * update} and the per-parameter arithmetic on copies of the same random arrays, two steps with
   * different learning rates, and hands both results to {@code compare} (expected, actual, label).
   */
  private static void againstPerParameter(MomentumUpdate update, ArrayComparison compare) {
    for (double momentum : new double[] {0.9, 0}) {
      for (double wd : new double[] {0, 0.05}) {
        String setting = ", momentum " + momentum + ", decay " + wd;
        againstPerParameter(
            update,
            momentum,
            wd,
            (expected, actual, label) -> compare.check(expected, actual, label + setting));
      }
    }
  }

  private static void againstPerParameter(
      MomentumUpdate update, double momentum, double wd, ArrayComparison compare) {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      // One array above the multi-tensor group size (a group of its own) and small ones around it;
      // lengths that are not multiples of a vector register, so the kernels' tails run too.
      long[][] shapes = {{7}, {3, 5}, {ScriptedOps.GROUP_ELEMENTS + 3}, {64}, {2, 2}};
      List<NDArray> w = randomArrays(m, shapes);
      List<NDArray> v = randomArrays(m, shapes);
      List<NDArray> w2 = duplicates(w);
      List<NDArray> v2 = duplicates(v);
      for (double lr : new double[] {0.1, 0.037}) {
        List<NDArray> g = randomArrays(m, shapes);
        List<NDArray> g2 = duplicates(g);
        update.apply(w, g, v, lr, momentum, wd);
        for (int i = 0; i < shapes.length; i++) {
          perParameterMomentum(w2.get(i), g2.get(i), v2.get(i), lr, momentum, wd);
        }
      }
      for (int i = 0; i < shapes.length; i++) {
        compare.check(w2.get(i).toFloatArray(), w.get(i).toFloatArray(), "weight " + i);
        compare.check(v2.get(i).toFloatArray(), v.get(i).toFloatArray(), "velocity " + i);
      }
    }
  }

  @FunctionalInterface
  private interface MomentumUpdate {
    void apply(
        List<NDArray> w, List<NDArray> g, List<NDArray> v, double lr, double momentum, double wd);
  }

  @FunctionalInterface
  private interface ArrayComparison {
    void check(float[] expected, float[] actual, String label);
  }

  @Test
  void libtorchHasTheFusedSgdKernel() {
    assertNull(ScriptedOps.get().fusedSgdUnavailableReason());
  }

  @Test
  void fusedMomentumIsThePerParameterArithmeticUpToRounding() {
    againstPerParameter(
        ScriptedOps.get()::momentum,
        (expected, actual, label) -> FloatArrays.assertWithinUlps(expected, actual, 8, label));
  }

  @Test
  void fusedMomentumLeavesTheGradientsAsTheyAre() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(new float[] {1, 2, 3});
      NDArray g = m.create(new float[] {0.5f, -1, 2});
      NDArray v = m.zeros(new Shape(3));
      ScriptedOps.get().momentum(List.of(w), List.of(g), List.of(v), 0.1, 0.9, 0.5);
      assertArrayEquals(new float[] {0.5f, -1, 2}, g.toFloatArray());
      // g' = g + 0.5 w = (1, 0, 3.5); v = g'; w = w - 0.1 v.
      FloatArrays.assertWithinUlps(new float[] {1, 0, 3.5f}, v.toFloatArray(), 2, "velocity");
      FloatArrays.assertWithinUlps(new float[] {0.9f, 2, 2.65f}, w.toFloatArray(), 2, "weight");
    }
  }

  @Test
  void momentumOfAViewIsRight() {
    // The fused kernel walks memory in order; a transposed weight next to a contiguous gradient
    // would pair the wrong elements, so such a call must take the multi-tensor path.
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(7);
      NDArray base = m.randomNormal(new Shape(5, 3));
      NDArray w = base.transpose();
      NDArray g = m.randomNormal(new Shape(3, 5));
      NDArray v = m.randomNormal(new Shape(3, 5));
      NDArray w2 = m.create(w.toFloatArray(), w.getShape());
      NDArray g2 = g.duplicate();
      NDArray v2 = v.duplicate();
      ScriptedOps.get().momentum(List.of(w), List.of(g), List.of(v), 0.1, 0.9, 0.05);
      perParameterMomentum(w2, g2, v2, 0.1, 0.9, 0.05);
      assertArrayEquals(w2.toFloatArray(), w.toFloatArray(), "weight");
      assertArrayEquals(v2.toFloatArray(), v.toFloatArray(), "velocity");
      assertArrayEquals(w2.transpose().toFloatArray(), base.toFloatArray(), "the viewed array");
    }
  }

  @Test
  void multiTensorMomentumIsBitForBitThePerParameterArithmetic() {
    againstPerParameter(
        ScriptedOps.get()::momentumMultiTensor,
        (expected, actual, label) -> assertArrayEquals(expected, actual, label));
  }

  @Test
  void momentumRefusesListsOfDifferentLengths() {
    try (NDManager m = NDManager.newBaseManager()) {
      List<NDArray> one = List.of(m.ones(new Shape(2)));
      assertThrows(
          IllegalArgumentException.class,
          () -> ScriptedOps.get().momentum(one, one, List.of(), 0.1, 0.9, 0));
      assertThrows(
          IllegalArgumentException.class,
          () -> ScriptedOps.get().momentumMultiTensor(one, one, List.of(), 0.1, 0.9, 0));
    }
  }

  @Test
  void bf16ConvolutionRoundsToBfloat16AndPassesGradients() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      NDArray x = m.randomNormal(new Shape(2, 4, 9, 9));
      NDArray w = m.randomNormal(new Shape(6, 2, 3, 3));
      NDArray b = m.randomNormal(new Shape(6));
      ScriptedOps.ConvGeometry geometry =
          ScriptedOps.ConvGeometry.of(new Shape(2, 2), new Shape(2, 2), new Shape(2, 2), 2);
      NDArray reference =
          Conv2d.conv2d(
                  bf16(x), bf16(w), bf16(b), new Shape(2, 2), new Shape(2, 2), new Shape(2, 2), 2)
              .singletonOrThrow();
      w.setRequiresGradient(true);
      x.setRequiresGradient(true);
      NDArray y;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray result = ScriptedOps.get().conv2dBf16(x, w, b, geometry);
        assertTrue(Autocast.isBf16(result), "the result stays bfloat16");
        y = ScriptedOps.get().toFloat32(result);
        assertEquals(DataType.FLOAT32, y.getDataType());
        gc.backward(y.sum());
      }
      assertEquals(reference.getShape(), y.getShape());
      float[] got = y.toFloatArray();
      float[] want = reference.toFloatArray();
      for (int i = 0; i < got.length; i++) {
        assertEquals(0, Float.floatToRawIntBits(got[i]) & 0xFFFF, "a bfloat16 value: " + got[i]);
        // bf16 has 8 significant bits: the result is the exact one rounded, up to accumulation.
        assertEquals(want[i], got[i], Math.abs(want[i]) / 64 + 0.05, "element " + i);
      }
      // The weight's gradient, against float32's from the same bf16-rounded input.
      NDArray w32 = bf16(w.stopGradient());
      w32.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y32 =
            Conv2d.conv2d(
                    bf16(x.stopGradient()),
                    w32,
                    bf16(b),
                    new Shape(2, 2),
                    new Shape(2, 2),
                    new Shape(2, 2),
                    2)
                .singletonOrThrow();
        gc.backward(y32.sum());
      }
      float[] gradWant = w32.getGradient().toFloatArray();
      float[] gradGot = w.getGradient().toFloatArray();
      for (int i = 0; i < gradGot.length; i++) {
        assertEquals(gradWant[i], gradGot[i], Math.abs(gradWant[i]) / 32 + 0.2, "grad " + i);
      }
      assertEquals(x.getShape(), x.getGradient().getShape());
      NDArray noBias =
          ScriptedOps.get().conv2dBf16(x.stopGradient(), w.stopGradient(), null, geometry);
      assertEquals(y.getShape(), noBias.getShape());
      assertTrue(Autocast.isBf16(noBias));
    }
  }

  @Test
  void upsamplingIsPyTorchsBilinearAndPassesGradients() {
    try (NDManager m = NDManager.newBaseManager()) {
      // One row 0, 1 enlarged to 4: source positions -0.25, 0.25, 0.75, 1.25 clamp to 0 and 1.
      NDArray row = m.create(new float[] {0f, 1f}, new Shape(1, 1, 1, 2));
      assertArrayEquals(
          new float[] {0f, 0.25f, 0.75f, 1f},
          ScriptedOps.get().upsampleBilinear(row, 1, 4).toFloatArray());
      Engine.getInstance().setRandomSeed(9);
      NDArray x = m.randomNormal(new Shape(2, 3, 5, 7));
      NDArray reference =
          ai.djl.pytorch.jni.JniUtils.interpolate(
              (ai.djl.pytorch.engine.PtNDArray) x, new long[] {11, 20}, 2, false);
      x.setRequiresGradient(true);
      NDArray y;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        y = ScriptedOps.get().upsampleBilinear(x, 11, 20);
        gc.backward(y.sum());
      }
      assertArrayEquals(reference.toFloatArray(), y.toFloatArray(), 1e-5f);
      // Each input pixel hands its weight to the output pixels; the weights of all outputs sum to
      // the output count, so the gradient of sum(y) sums to 11 * 20 per channel.
      float total = x.getGradient().sum().getFloat();
      assertEquals(2 * 3 * 11 * 20, total, 1e-2f);
    }
  }

  /** {@code a} rounded to the nearest bfloat16 (ties to even), kept in float32. */
  static NDArray bf16(NDArray a) {
    float[] values = a.toFloatArray();
    for (int i = 0; i < values.length; i++) {
      int bits = Float.floatToRawIntBits(values[i]);
      int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
      values[i] = Float.intBitsToFloat(rounded & 0xFFFF0000);
    }
    return a.getManager().create(values, a.getShape());
  }
}
