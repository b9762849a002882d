package org.distill4j.synthetic;

/** A smooth function sampled on [lo, hi] and read back with linear interpolation. */
final class LookupTable {
  private static final int SIZE = 1024;
  private final double lo;
  private final double step;
  private final float[] values = new float[SIZE + 1];

  LookupTable(double lo, double hi, java.util.function.DoubleUnaryOperator f) {
    this.lo = lo;
    this.step = (hi - lo) / SIZE;
    for (int i = 0; i <= SIZE; i++) {
      values[i] = (float) f.applyAsDouble(lo + i * step);
    }
  }

  float at(double x) {
    double t = Math.max(0, Math.min(SIZE, (x - lo) / step));
    int i = Math.min(SIZE - 1, (int) t);
    float frac = (float) (t - i);
    return values[i] + (values[i + 1] - values[i]) * frac;
  }
}
