package org.distill4j.synthetic;

import java.util.Random;

/**
 * Planar float RGB canvas and the raster operations the synthetic fundus painter needs: smooth
 * noise, soft shapes, blending, separable blur. Plain loops only, so a 256x224 image takes a few
 * milliseconds.
 */
final class FundusRaster {
  final int width;
  final int height;
  final float[] r;
  final float[] g;
  final float[] b;

  FundusRaster(int width, int height) {
    this.width = width;
    this.height = height;
    this.r = new float[width * height];
    this.g = new float[width * height];
    this.b = new float[width * height];
  }

  /** Blends colour {@code (cr, cg, cb)} over pixel {@code i} with opacity {@code a}. */
  void blend(int i, float a, float cr, float cg, float cb) {
    r[i] += a * (cr - r[i]);
    g[i] += a * (cg - g[i]);
    b[i] += a * (cb - b[i]);
  }

  /** Multiplies each channel of every pixel by {@code factor[i]}. */
  void multiply(float[] factor) {
    for (int i = 0; i < r.length; i++) {
      r[i] *= factor[i];
      g[i] *= factor[i];
      b[i] *= factor[i];
    }
  }

  /**
   * Smooth value noise in [-1, 1]: random values on a grid of {@code cell}-pixel squares,
   * interpolated with smoothstep weights.
   */
  static float[] valueNoise(int width, int height, double cell, Random rng) {
    int gw = (int) Math.ceil(width / cell) + 2;
    int gh = (int) Math.ceil(height / cell) + 2;
    float[] grid = new float[gw * gh];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    float[] out = new float[width * height];
    for (int y = 0; y < height; y++) {
      double fy = y / cell;
      int gy = (int) fy;
      float ty = smooth((float) (fy - gy));
      for (int x = 0; x < width; x++) {
        double fx = x / cell;
        int gx = (int) fx;
        float tx = smooth((float) (fx - gx));
        float top = lerp(grid[gy * gw + gx], grid[gy * gw + gx + 1], tx);
        float bottom = lerp(grid[(gy + 1) * gw + gx], grid[(gy + 1) * gw + gx + 1], tx);
        out[y * width + x] = lerp(top, bottom, ty);
      }
    }
    return out;
  }

  static float smooth(float t) {
    return t * t * (3 - 2 * t);
  }

  /**
   * 1 inside {@code edge0 > edge1}-style band: 1 for v <= inner, 0 for v >= outer, smooth between.
   */
  static float falloff(double v, double inner, double outer) {
    if (v <= inner) {
      return 1f;
    }
    if (v >= outer) {
      return 0f;
    }
    return 1f - smooth((float) ((v - inner) / (outer - inner)));
  }

  static float lerp(float a, float b, float t) {
    return a + (b - a) * t;
  }

  /** Separable Gaussian blur of all three channels, borders clamped. */
  void blur(double sigma) {
    if (sigma <= 0) {
      return;
    }
    int radius = (int) Math.ceil(2.5 * sigma);
    float[] k = new float[2 * radius + 1];
    float sum = 0;
    for (int i = -radius; i <= radius; i++) {
      k[i + radius] = (float) StrictMath.exp(-(i * i) / (2 * sigma * sigma));
      sum += k[i + radius];
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= sum;
    }
    float[] tmp = new float[r.length];
    for (float[] channel : new float[][] {r, g, b}) {
      convolve(channel, tmp, k, radius, true);
      convolve(tmp, channel, k, radius, false);
    }
  }

  private void convolve(float[] src, float[] dst, float[] k, int radius, boolean horizontal) {
    if (horizontal) {
      // Copy each row into a buffer padded by edge replication, so the tap loop needs no clamps.
      float[] padded = new float[width + 2 * radius];
      for (int y = 0; y < height; y++) {
        int row = y * width;
        System.arraycopy(src, row, padded, radius, width);
        for (int j = 0; j < radius; j++) {
          padded[j] = src[row];
          padded[radius + width + j] = src[row + width - 1];
        }
        for (int x = 0; x < width; x++) {
          float s = 0;
          for (int j = 0; j < k.length; j++) {
            s += padded[x + j] * k[j];
          }
          dst[row + x] = s;
        }
      }
    } else {
      java.util.Arrays.fill(dst, 0f);
      for (int y = 0; y < height; y++) {
        int row = y * width;
        for (int j = -radius; j <= radius; j++) {
          int srcRow = Math.min(height - 1, Math.max(0, y + j)) * width;
          float weight = k[j + radius];
          for (int x = 0; x < width; x++) {
            dst[row + x] += src[srcRow + x] * weight;
          }
        }
      }
    }
  }

  /**
   * A unit-variance, roughly normal value from one 64-bit hash: the sum of four 16-bit uniforms
   * (Irwin-Hall), centred and scaled.
   */
  static double approxGaussian(long state) {
    long z = state;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    long sum = (z & 0xFFFF) + ((z >>> 16) & 0xFFFF) + ((z >>> 32) & 0xFFFF) + (z >>> 48);
    return (sum / 65536.0 - 2.0) * 1.7320508075688772;
  }
}
