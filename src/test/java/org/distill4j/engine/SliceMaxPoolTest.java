package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SliceMaxPoolTest {
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /**
   * Random values with NaN, both infinities, large negatives (which padding must not beat),
   * repeated values (ties) and zeros of both signs mixed in.
   */
  private static NDArray input(long n, long c, long h, long w, long seed) {
    Random random = new Random(seed);
    float[] values = new float[(int) (n * c * h * w)];
    for (int i = 0; i < values.length; i++) {
      int kind = random.nextInt(20);
      values[i] =
          switch (kind) {
            case 0 -> Float.NaN;
            case 1 -> Float.POSITIVE_INFINITY;
            case 2 -> Float.NEGATIVE_INFINITY;
            case 3 -> -3e38f;
            case 4, 5 -> 1.5f;
            case 6 -> 0f;
            case 7, 8 -> -0f;
            default -> (float) random.nextGaussian();
          };
    }
    return manager.create(values, new Shape(n, c, h, w));
  }

  @ParameterizedTest
  @CsvSource({
    // kernel, stride, padding, height, width
    "3, 2, 1, 7, 9",
    "3, 2, 1, 8, 8",
    "3, 2, 1, 1, 2",
    "2, 2, 0, 5, 4",
    "3, 1, 1, 6, 5",
    "3, 3, 0, 9, 10",
    "2, 1, 1, 3, 3",
  })
  void givesTheKernelsValuesBitForBit(int kernel, int stride, int padding, int h, int w) {
    Shape k = new Shape(kernel, kernel);
    Shape s = new Shape(stride, stride);
    Shape p = new Shape(padding, padding);
    NDArray x = input(2, 3, h, w, 31L * h + w);
    NDArray expected = Pool.maxPool2d(x, k, s, p, false);
    NDArray actual = SliceMaxPool.maxPool2d(x, k, s, p);
    assertEquals(expected.getShape(), actual.getShape());
    assertArrayEquals(bits(expected), bits(actual));
  }

  @Test
  void rectangularWindowsToo() {
    NDArray x = input(1, 2, 9, 11, 5);
    Shape k = new Shape(3, 2);
    Shape s = new Shape(2, 1);
    Shape p = new Shape(1, 0);
    assertArrayEquals(
        bits(Pool.maxPool2d(x, k, s, p, false)), bits(SliceMaxPool.maxPool2d(x, k, s, p)));
  }

  @Test
  void theResultOutlivesTheInputsManagerScope() {
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.randomNormal(new Shape(1, 1, 6, 6));
      NDArray y = SliceMaxPool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1));
      assertEquals(step, y.getManager());
      // the views and partial results are gone with their scope; the input and output remain
      assertEquals(2, step.getManagedArrays().size(), step.getManagedArrays().toString());
    }
  }

  @Test
  void aWindowLargerThanThePaddedInputIsRefused() {
    NDArray x = manager.zeros(new Shape(1, 1, 2, 2));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SliceMaxPool.maxPool2d(x, new Shape(5, 5), new Shape(1, 1), new Shape(1, 1)));
    assertEquals(
        "max pooling: a window of 5 (padding 1) does not fit an input of 2", e.getMessage());
  }

  @Test
  void paddingOverHalfTheKernelIsRefusedAsLibtorchRefusesIt() {
    NDArray x = manager.zeros(new Shape(1, 1, 6, 6));
    Shape k = new Shape(3, 3);
    Shape s = new Shape(2, 2);
    Shape p = new Shape(2, 2);
    assertThrows(Exception.class, () -> Pool.maxPool2d(x, k, s, p, false));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SliceMaxPool.maxPool2d(x, k, s, p));
    assertTrue(e.getMessage().contains("padding at most half the kernel"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SliceMaxPool.maxPool2d(x, k, new Shape(0, 0), new Shape(1, 1)));
  }

  /** Float bits with every NaN made the same, so that arrays compare exactly. */
  private static int[] bits(NDArray a) {
    float[] f = a.toFloatArray();
    int[] b = new int[f.length];
    for (int i = 0; i < f.length; i++) {
      b[i] = Float.floatToIntBits(f[i]);
    }
    return b;
  }
}
