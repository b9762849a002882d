package org.distill4j.distill.cache;

import ai.djl.ndarray.NDArray;
import java.util.Locale;
import java.util.Map;

/**
 * Compares cached teacher outputs with the live teacher's, bit for bit: the check that lets the
 * cache switch itself off when the engine rounds differently than when the cache was made.
 */
public final class BitwiseComparison {
  private BitwiseComparison() {}

  /**
   * The first difference between {@code cached} and {@code live} (same names), described in one
   * phrase, or null when every value is bit-identical.
   */
  public static String firstDifference(Map<String, NDArray> cached, Map<String, NDArray> live) {
    for (Map.Entry<String, NDArray> e : live.entrySet()) {
      String d = difference(e.getKey(), cached.get(e.getKey()), e.getValue());
      if (d != null) {
        return d;
      }
    }
    return null;
  }

  static String difference(String name, NDArray cached, NDArray live) {
    if (cached == null || !cached.getShape().equals(live.getShape())) {
      return name
          + " has shape "
          + (cached == null ? "none" : cached.getShape())
          + " in the cache but "
          + live.getShape()
          + " from the teacher";
    }
    float[] a = cached.toFloatArray();
    float[] b = live.toFloatArray();
    int count = 0;
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) {
        count++;
        max = Math.max(max, Math.abs((double) a[i] - b[i]));
      }
    }
    return count == 0
        ? null
        : String.format(
            Locale.ROOT,
            "%s differs in %d of %d values (largest %.3g)",
            name,
            count,
            a.length,
            max);
  }
}
