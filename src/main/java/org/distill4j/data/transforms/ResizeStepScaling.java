package org.distill4j.data.transforms;

import java.util.Random;
import org.distill4j.config.ConfigMap;

/**
 * Scales image and label by a random factor: one of {@code linspace(min, max, (max - min) / step +
 * 1)} chosen uniformly, a uniform continuous factor when {@code step} is 0, or exactly {@code min}
 * when min equals max. The new size is {@code round(factor * size)} with Python's half-to-even
 * rounding.
 */
public final class ResizeStepScaling implements Transform {
  private final double minScale;
  private final double maxScale;
  private final double step;

  public ResizeStepScaling() {
    this(0.75, 1.25, 0.25);
  }

  public ResizeStepScaling(double minScale, double maxScale, double step) {
    if (!(minScale > 0) || !(maxScale >= minScale) || !(step >= 0)) {
      throw new IllegalArgumentException(
          "need 0 < min_scale_factor <= max_scale_factor and scale_step_size >= 0, got "
              + minScale
              + ", "
              + maxScale
              + ", "
              + step);
    }
    this.minScale = minScale;
    this.maxScale = maxScale;
    this.step = step;
  }

  public static ResizeStepScaling fromConfig(ConfigMap cfg) {
    ConfigKeys.allowOnly(
        cfg, "ResizeStepScaling", "min_scale_factor", "max_scale_factor", "scale_step_size");
    double min = cfg.optDouble("min_scale_factor", 0.75);
    double max = cfg.optDouble("max_scale_factor", 1.25);
    double step = ConfigKeys.nonNegative(cfg, "scale_step_size", 0.25);
    if (!(min > 0)) {
      throw cfg.error("min_scale_factor", "must be > 0, got " + min);
    }
    if (!(max >= min)) {
      throw cfg.error("max_scale_factor", "must be >= min_scale_factor (" + min + "), got " + max);
    }
    return new ResizeStepScaling(min, max, step);
  }

  /** The candidate factors when {@code step > 0} and min differs from max, in linspace order. */
  public double[] candidates() {
    if (minScale == maxScale) {
      return new double[] {minScale};
    }
    if (step == 0) {
      return new double[0];
    }
    int n = (int) ((maxScale - minScale) / step + 1);
    if (n == 1) {
      return new double[] {minScale};
    }
    double[] out = new double[n];
    double delta = (maxScale - minScale) / (n - 1);
    for (int i = 0; i < n; i++) {
      out[i] = minScale + i * delta;
    }
    out[n - 1] = maxScale;
    return out;
  }

  /** Draws the factor for one sample. */
  double drawFactor(Random rng) {
    if (minScale == maxScale) {
      return minScale;
    }
    if (step == 0) {
      return minScale + (maxScale - minScale) * rng.nextDouble();
    }
    double[] c = candidates();
    return c[rng.nextInt(c.length)];
  }

  @Override
  public void apply(SegImage img, Random rng) {
    double factor = drawFactor(rng);
    int w = Math.max(1, (int) Math.rint(factor * img.width));
    int h = Math.max(1, (int) Math.rint(factor * img.height));
    Resize.resize(img, w, h, Resize.Interp.LINEAR);
  }

  @Override
  public boolean isRandom() {
    return minScale != maxScale;
  }

  @Override
  public String toString() {
    return "ResizeStepScaling(min_scale_factor="
        + minScale
        + ", max_scale_factor="
        + maxScale
        + ", scale_step_size="
        + step
        + ")";
  }
}
