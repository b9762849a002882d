package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlicePoolingTest {
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
  void givesTheKernelsValues(int kernel, int stride, int padding, int h, int w) {
    Shape k = new Shape(kernel, kernel);
    Shape s = new Shape(stride, stride);
    Shape p = new Shape(padding, padding);
    NDArray x = input(2, 3, h, w, 31L * h + w);
    NDArray expected = Pool.maxPool2d(x, k, s, p, false);
    NDArray actual = SlicePooling.maxPool2d(x, k, s, p);
    assertEquals(expected.getShape(), actual.getShape());
    assertArrayEquals(bits(expected), bits(actual));
  }

  @ParameterizedTest
  @CsvSource({"3, 2, 1, 7, 9", "3, 2, 1, 8, 8", "2, 2, 0, 5, 4", "3, 1, 0, 6, 5"})
  void givesTheKernelsBfloat16ValuesInFloat32(int kernel, int stride, int padding, int h, int w) {
    Shape k = new Shape(kernel, kernel);
    Shape s = new Shape(stride, stride);
    Shape p = new Shape(padding, padding);
    NDArray x = ScriptedOps.get().toBfloat16(input(2, 3, h, w, 17L * h + w));
    assertTrue(Autocast.isBf16(x));
    NDArray expected = Autocast.float32(Pool.maxPool2d(x, k, s, p, false));
    NDArray actual = SlicePooling.maxPool2d(x, k, s, p);
    assertEquals(DataType.FLOAT32, actual.getDataType());
    assertEquals(expected.getShape(), actual.getShape());
    assertArrayEquals(bits(expected), bits(actual));
  }

  @Test
  void windowsOfZerosOfBothSignsGiveZero() {
    // Every order of -0 and +0 in a 2x2 window: the kernel keeps the first of equal maxima and sums
    // from +0, the views do neither, so a zero may come out with the other sign (equal as numbers).
    float[] values = new float[16 * 4];
    for (int window = 0; window < 16; window++) {
      for (int cell = 0; cell < 4; cell++) {
        values[window * 4 + cell] = ((window >> cell) & 1) == 1 ? -0f : 0f;
      }
    }
    // 16 windows side by side: a 2 x 32 image, cell (r, c) of window k at column 2k + c.
    float[] image = new float[2 * 32];
    for (int window = 0; window < 16; window++) {
      for (int cell = 0; cell < 4; cell++) {
        image[(cell / 2) * 32 + window * 2 + cell % 2] = values[window * 4 + cell];
      }
    }
    NDArray x = manager.create(image, new Shape(1, 1, 2, 32));
    Shape two = new Shape(2, 2);
    Shape none = new Shape(0, 0);
    assertArrayEquals(
        bits(Pool.maxPool2d(x, two, two, none, false)),
        bits(SlicePooling.maxPool2d(x, two, two, none)));
    assertArrayEquals(
        bits(Pool.avgPool2d(x, two, two, none, true, false)), bits(SlicePooling.averagePool2x2(x)));
  }

  @Test
  void rectangularWindowsToo() {
    NDArray x = input(1, 2, 9, 11, 5);
    Shape k = new Shape(3, 2);
    Shape s = new Shape(2, 1);
    Shape p = new Shape(1, 0);
    assertArrayEquals(
        bits(Pool.maxPool2d(x, k, s, p, false)), bits(SlicePooling.maxPool2d(x, k, s, p)));
  }

  @ParameterizedTest
  @CsvSource({"8, 10", "2, 2", "16, 6", "32, 32"})
  void averagePoolingGivesTheKernelsValues(int h, int w) {
    NDArray x = input(2, 3, h, w, 7L * h + w);
    NDArray expected =
        Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), true, false);
    NDArray actual = SlicePooling.averagePool2x2(x);
    assertEquals(expected.getShape(), actual.getShape());
    assertArrayEquals(bits(expected), bits(actual));
  }

  @Test
  void averagePoolingFromViewsRefusesAnOddSize() {
    NDArray x = manager.zeros(new Shape(1, 1, 5, 4));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SlicePooling.averagePool2x2(x));
    assertTrue(e.getMessage().contains("even height and width"), e.getMessage());
  }

  @Test
  void theResultOutlivesTheInputsManagerScope() {
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.randomNormal(new Shape(1, 1, 6, 6));
      NDArray y = SlicePooling.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1));
      NDArray z = SlicePooling.averagePool2x2(x);
      assertEquals(step, y.getManager());
      assertEquals(step, z.getManager());
      // the views and partial results are gone with their scope; the input and outputs remain
      assertEquals(3, step.getManagedArrays().size(), step.getManagedArrays().toString());
    }
  }

  @Test
  void aWindowLargerThanThePaddedInputIsRefused() {
    NDArray x = manager.zeros(new Shape(1, 1, 2, 2));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SlicePooling.maxPool2d(x, new Shape(5, 5), new Shape(1, 1), new Shape(1, 1)));
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
        assertThrows(IllegalArgumentException.class, () -> SlicePooling.maxPool2d(x, k, s, p));
    assertTrue(e.getMessage().contains("padding at most half the kernel"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SlicePooling.maxPool2d(x, k, new Shape(0, 0), new Shape(1, 1)));
  }

  /**
   * Float bits with every NaN made the same and -0 made +0, so that arrays compare exactly as
   * numbers: any other difference, even in the last bit, fails.
   */
  private static int[] bits(NDArray a) {
    float[] f = a.toFloatArray();
    int[] b = new int[f.length];
    for (int i = 0; i < f.length; i++) {
      b[i] = Float.floatToIntBits(f[i] == 0f ? 0f : f[i]);
    }
    return b;
  }
}
