package org.distill4j.data.transforms;

import java.util.Arrays;
import java.util.Random;
import org.distill4j.config.ConfigMap;

/**
 * Maps 0..255 pixels to {@code (x / 255 - mean) / std} per channel; the defaults (0.5, 0.5) give
 * the range [-1, 1].
 */
public final class Normalize implements Transform {
  private final float[] mean;
  private final float[] std;

  public Normalize() {
    this(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
  }

  /** {@code mean} and {@code std} have one value per channel, or one value for all channels. */
  public Normalize(float[] mean, float[] std) {
    for (float s : std) {
      if (s == 0f) {
        throw new IllegalArgumentException("std must not contain 0: " + Arrays.toString(std));
      }
    }
    this.mean = mean.clone();
    this.std = std.clone();
  }

  public static Normalize fromConfig(ConfigMap cfg) {
    ConfigKeys.allowOnly(cfg, "Normalize", "mean", "std");
    float[] mean = values(cfg, "mean");
    float[] std = values(cfg, "std");
    for (float s : std) {
      if (s == 0f) {
        throw cfg.error("std", "must not contain 0, got " + Arrays.toString(std));
      }
    }
    return new Normalize(mean, std);
  }

  private static float[] values(ConfigMap cfg, String key) {
    double[] d = cfg.optDoubleArray(key, new double[] {0.5, 0.5, 0.5});
    if (d.length != 1 && d.length != 3) {
      throw cfg.error(key, "expected a list of 3 numbers (one per RGB channel), got " + d.length);
    }
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  @Override
  public void apply(SegImage img, Random rng) {
    int c = img.channels;
    float[] m = new float[c];
    float[] s = new float[c];
    for (int k = 0; k < c; k++) {
      m[k] = mean[mean.length == 1 ? 0 : k % mean.length];
      s[k] = std[std.length == 1 ? 0 : k % std.length];
    }
    float[] d = img.data;
    for (int i = 0; i < d.length; i++) {
      int k = i % c;
      d[i] = (d[i] / 255f - m[k]) / s[k];
    }
  }

  @Override
  public boolean isRandom() {
    return false;
  }

  @Override
  public String toString() {
    return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
  }
}
