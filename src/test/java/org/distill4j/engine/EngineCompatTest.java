package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EngineCompatTest {
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static NDArray row(float... values) {
    return manager.create(values, new Shape(1, 1, 1, values.length));
  }

  @Test
  void enlargeMatchesHandComputedValues() {
    // align_corners=False, 2 -> 4: source x = (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25,
    // clamped to [0, 1]: weights give 0, 0.25, 0.75, 1.
    NDArray y = EngineCompat.resizeBilinear(row(0f, 1f), 1, 4, false);
    assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, y.toFloatArray(), 1e-6f);
  }

  @Test
  void shrinkMatchesHandComputedValuesWithoutAntiAliasing() {
    // 4 -> 2: x = (i + 0.5) * 2 - 0.5 = 0.5, 2.5 -> 0.5, 2.5 (an anti-aliased kernel gives others).
    NDArray y = EngineCompat.resizeBilinear(row(0f, 1f, 2f, 3f), 1, 2, false);
    assertArrayEquals(new float[] {0.5f, 2.5f}, y.toFloatArray(), 1e-6f);
    // 4 -> 3: x = (i + 0.5) * 4/3 - 0.5 = 1/6, 1.5, 17/6 on the ramp 0, 1, 2, 3.
    NDArray z = EngineCompat.resizeBilinear(row(0f, 1f, 2f, 3f), 1, 3, false);
    assertArrayEquals(new float[] {1f / 6, 1.5f, 17f / 6}, z.toFloatArray(), 1e-5f);
  }

  @Test
  void alignCornersTrueMapsCornersOntoCorners() {
    // 2 -> 4 with align_corners: x = i * (2-1)/(4-1) = 0, 1/3, 2/3, 1.
    NDArray y = EngineCompat.resizeBilinear(row(0f, 3f), 1, 4, true);
    assertArrayEquals(new float[] {0f, 1f, 2f, 3f}, y.toFloatArray(), 1e-5f);
  }

  @Test
  void randomTensorsMatchTheReferenceFormulaInBothDirections() {
    Random rnd = new Random(7);
    int c = 2;
    int h = 5;
    int w = 7;
    float[] data = new float[c * h * w];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) rnd.nextGaussian();
    }
    NDArray x = manager.create(data, new Shape(1, c, h, w));
    int[][] sizes = {{11, 16}, {3, 4}, {5, 3}, {8, 7}};
    for (int[] size : sizes) {
      for (boolean align : new boolean[] {false, true}) {
        float[] got = EngineCompat.resizeBilinear(x, size[0], size[1], align).toFloatArray();
        float[] want = reference(data, c, h, w, size[0], size[1], align);
        assertArrayEquals(want, got, 1e-5f, size[0] + "x" + size[1] + " align " + align);
      }
    }
  }

  /** PyTorch's bilinear formula written out (upsample_bilinear2d, no anti-aliasing). */
  private static float[] reference(
      float[] x, int c, int h, int w, int oh, int ow, boolean alignCorners) {
    float[] out = new float[c * oh * ow];
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < oh; i++) {
        double sy = source(i, h, oh, alignCorners);
        int y0 = (int) Math.floor(sy);
        int y1 = Math.min(y0 + 1, h - 1);
        double ly = sy - y0;
        for (int j = 0; j < ow; j++) {
          double sx = source(j, w, ow, alignCorners);
          int x0 = (int) Math.floor(sx);
          int x1 = Math.min(x0 + 1, w - 1);
          double lx = sx - x0;
          int base = ch * h * w;
          double v =
              (1 - ly) * ((1 - lx) * x[base + y0 * w + x0] + lx * x[base + y0 * w + x1])
                  + ly * ((1 - lx) * x[base + y1 * w + x0] + lx * x[base + y1 * w + x1]);
          out[ch * oh * ow + i * ow + j] = (float) v;
        }
      }
    }
    return out;
  }

  private static double source(int dst, int in, int out, boolean alignCorners) {
    if (alignCorners) {
      return out > 1 ? dst * (in - 1.0) / (out - 1.0) : 0;
    }
    double s = (dst + 0.5) * ((double) in / out) - 0.5;
    return Math.max(s, 0);
  }

  @Test
  void gradientsFlowBackThroughTheResize() {
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.create(new float[] {0f, 1f}, new Shape(1, 1, 1, 2));
      x.setRequiresGradient(true);
      NDArray weights = step.create(new float[] {1f, 2f, 3f, 4f}, new Shape(1, 1, 1, 4));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = EngineCompat.resizeBilinear(x, 1, 4, false);
        gc.backward(y.mul(weights).sum());
      }
      // Output i takes (1 - t_i) of x0 and t_i of x1 with t = 0, 0.25, 0.75, 1:
      // d/dx0 = 1*1 + 2*0.75 + 3*0.25 + 4*0 = 3.25; d/dx1 = 2*0.25 + 3*0.75 + 4*1 = 6.75.
      assertArrayEquals(new float[] {3.25f, 6.75f}, x.getGradient().toFloatArray(), 1e-6f);
    }
  }

  @Test
  void gradientsFlowBackThroughAShrink() {
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.create(new float[] {0f, 1f, 2f, 3f}, new Shape(1, 1, 1, 4));
      x.setRequiresGradient(true);
      NDArray weights = step.create(new float[] {1f, 2f}, new Shape(1, 1, 1, 2));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = EngineCompat.resizeBilinear(x, 1, 2, false);
        gc.backward(y.mul(weights).sum());
      }
      // y0 = (x0 + x1) / 2, y1 = (x2 + x3) / 2.
      assertArrayEquals(new float[] {0.5f, 0.5f, 1f, 1f}, x.getGradient().toFloatArray(), 1e-6f);
    }
  }

  @Test
  void nativeAndMatrixPathsAgreeWhenEnlarging() {
    NDArray x = manager.randomNormal(new Shape(2, 3, 20, 30));
    float[] fast = EngineCompat.resizeBilinear(x, 70, 90, false).toFloatArray();
    float[] exact = BilinearMatrices.resize(x, 70, 90, false).toFloatArray();
    assertArrayEquals(exact, fast, 1e-5f);
  }

  @Test
  void smallEnlargementsTakeTheMatrixPathAndLargeOnesTheKernel() {
    // At most SMALL_OUTPUT in height plus width: libtorch's kernel would convert layouts twice.
    NDArray x = manager.randomNormal(new Shape(4, 64, 16, 16));
    assertArrayEquals(
        BilinearMatrices.resize(x, 64, 64, false).toFloatArray(),
        EngineCompat.resizeBilinear(x, 64, 64, false).toFloatArray());
    assertArrayEquals(
        BilinearMatrices.resize(x, 1, 127, false).toFloatArray(),
        EngineCompat.resizeBilinear(x, 1, 127, false).toFloatArray());
    NDArray small = manager.randomNormal(new Shape(2, 2, 10, 10));
    assertArrayEquals(
        ScriptedOps.get().upsampleBilinear(small, 64, 65).toFloatArray(),
        EngineCompat.resizeBilinear(small, 64, 65, false).toFloatArray());
  }

  @Test
  void maxPoolTakesTheSlicesOnlyWhereNoGradientIsRecorded() {
    NDArray x = manager.randomNormal(new Shape(1, 2, 6, 6));
    assertTrue(EngineCompat.takesSliceAveragePool(x), "a float32 forward without gradients");
    NDArray bf16 =
        ScriptedOps.get()
            .conv2dBf16(
                x,
                manager.randomNormal(new Shape(2, 2, 1, 1)),
                null,
                new ScriptedOps.ConvGeometry(1, 1, 0, 0, 1, 1, 1));
    assertTrue(EngineCompat.takesSliceMaxPool(bf16), "a bfloat16 forward without gradients");
    assertFalse(
        EngineCompat.takesSliceAveragePool(bf16), "bfloat16 average pooling keeps the kernel");
    NDArray pooledBf16 =
        EngineCompat.maxPool2d(bf16, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1));
    assertEquals(DataType.FLOAT32, pooledBf16.getDataType(), "pooled from views, in float32");
    assertArrayEquals(
        Autocast.float32(
                ai.djl.nn.pooling.Pool.maxPool2d(
                    bf16, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false))
            .toFloatArray(),
        pooledBf16.toFloatArray());

    // Training: the kernel, whose backward gives each window's gradient to one of its tied
    // elements (a maximum of views would split it between them).
    NDArray ones = manager.ones(new Shape(1, 1, 4, 4));
    ones.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      assertFalse(EngineCompat.takesSliceAveragePool(ones));
      assertFalse(EngineCompat.takesSliceMaxPool(ones));
      NDArray y = EngineCompat.maxPool2d(ones, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0));
      gc.backward(y.sum());
    }
    float[] grad = ones.getGradient().toFloatArray();
    int receiving = 0;
    for (float g : grad) {
      assertTrue(g == 0f || g == 1f, "a whole window's gradient or none: " + g);
      receiving += g == 1f ? 1 : 0;
    }
    assertEquals(4, receiving, "one element per window");
  }

  @Test
  void averagePoolTakesTheViewsForEvenSizesAndTheKernelForPartialWindows() {
    // An odd size has a partial last window (ceil mode, padded cells not counted): the kernel's.
    NDArray odd = manager.randomNormal(new Shape(1, 2, 5, 7));
    NDArray pooled = EngineCompat.averagePool2x2(odd);
    assertEquals(new Shape(1, 2, 3, 4), pooled.getShape());
    assertArrayEquals(
        ai.djl.nn.pooling.Pool.avgPool2d(
                odd, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), true, false)
            .toFloatArray(),
        pooled.toFloatArray());
    NDArray even = manager.randomNormal(new Shape(1, 2, 6, 4));
    assertArrayEquals(
        SlicePooling.averagePool2x2(even).toFloatArray(),
        EngineCompat.averagePool2x2(even).toFloatArray());
  }

  @Test
  void rejectsNonNchwInputAndEmptySizes() {
    NDArray flat = manager.zeros(new Shape(4, 4));
    assertThrows(
        IllegalArgumentException.class, () -> EngineCompat.resizeBilinear(flat, 2, 2, false));
    NDArray x = manager.zeros(new Shape(1, 1, 4, 4));
    assertThrows(IllegalArgumentException.class, () -> EngineCompat.resizeBilinear(x, 0, 2, false));
  }

  @Test
  void cpuLineNeedsNoGpu() {
    assertEquals("0.36", EngineCompat.djlLine());
    assertDoesNotThrow(EngineCompat::requireGpuIfCudaBuild);
    assertDoesNotThrow(EngineCompat::hasGpu);
  }

  @Test
  void theLineIsMajorDotMinorOfDjlsVersion() {
    assertEquals("0.25", EngineCompat.lineOf("0.25.0"));
    assertEquals("0.36", EngineCompat.lineOf("0.36.0-SNAPSHOT"));
    assertEquals("1.2", EngineCompat.lineOf("1.2"));
  }
}
