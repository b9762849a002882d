package org.distill4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Comparisons of float arrays that allow for rounding and nothing more. */
public final class FloatArrays {
  private FloatArrays() {}

  /**
   * Asserts that every element of {@code actual} is within {@code ulps} units in the last place of
   * {@code expected}'s (taken at magnitude 1 or more, so that values near zero, where a sum of
   * larger terms cancels, get the rounding of the terms). For two computations of the same
   * arithmetic that round differently (a fused multiply-add against a multiply and an add).
   */
  public static void assertWithinUlps(float[] expected, float[] actual, int ulps, String label) {
    assertEquals(expected.length, actual.length, label + ": length");
    for (int i = 0; i < expected.length; i++) {
      float tolerance = ulps * Math.ulp(Math.max(1f, Math.abs(expected[i])));
      if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
        throw new AssertionError(
            label
                + ": element "
                + i
                + " is "
                + actual[i]
                + ", expected "
                + expected[i]
                + " within "
                + ulps
                + " ulps ("
                + tolerance
                + ")");
      }
    }
  }

  /**
   * Asserts that every element of {@code actual} is within {@code fraction} of the largest
   * magnitude in {@code expected}: for two computations that round differently (another summation
   * order, fewer significant bits), where an element off by the order of the values themselves is a
   * wrong result, not rounding.
   */
  public static void assertWithinFractionOfLargest(
      float[] expected, float[] actual, double fraction, String label) {
    assertEquals(expected.length, actual.length, label + ": length");
    double scale = 0;
    for (float v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], fraction * scale, label + ", element " + i);
    }
  }
}
