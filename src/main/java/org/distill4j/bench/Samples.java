package org.distill4j.bench;

import java.util.Arrays;
import java.util.List;

/** Median and spread (10th and 90th percentile) of a list of timings in milliseconds. */
public record Samples(int count, double median, double p10, double p90) {

  /** Summarises {@code values}; percentiles by linear interpolation between ranks. */
  public static Samples of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return new Samples(
        sorted.length, quantile(sorted, 0.5), quantile(sorted, 0.1), quantile(sorted, 0.9));
  }

  static double quantile(double[] sorted, double q) {
    double rank = q * (sorted.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
  }
}
