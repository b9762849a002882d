package org.distill4j.data.transforms;

import java.util.Arrays;

/**
 * Pixel-level geometry shared by the transforms: OpenCV-compatible resizing, flips, padding and
 * cropping on HWC float images and single-channel int labels.
 */
final class Resampling {
  private Resampling() {}

  /**
   * Bilinear resize with OpenCV's INTER_LINEAR rule: pixel centres at half-integers, source
   * coordinate {@code (d + 0.5) * src/dst - 0.5}, clamped at the borders, no anti-aliasing.
   */
  static float[] bilinear(float[] src, int sh, int sw, int c, int dh, int dw) {
    int[] x0 = new int[dw];
    int[] x1 = new int[dw];
    float[] ax = new float[dw];
    linearTaps(sw, dw, x0, x1, ax);
    int[] y0 = new int[dh];
    int[] y1 = new int[dh];
    float[] ay = new float[dh];
    linearTaps(sh, dh, y0, y1, ay);
    // Horizontal pass first, then vertical, like OpenCV's separable resize.
    float[] rows = new float[sh * dw * c];
    for (int y = 0; y < sh; y++) {
      int srcRow = y * sw * c;
      int dstRow = y * dw * c;
      for (int x = 0; x < dw; x++) {
        float a = ax[x];
        float b = 1f - a;
        int s0 = srcRow + x0[x] * c;
        int s1 = srcRow + x1[x] * c;
        int d = dstRow + x * c;
        for (int k = 0; k < c; k++) {
          rows[d + k] = src[s0 + k] * b + src[s1 + k] * a;
        }
      }
    }
    float[] out = new float[dh * dw * c];
    int rowLen = dw * c;
    for (int y = 0; y < dh; y++) {
      float a = ay[y];
      float b = 1f - a;
      int r0 = y0[y] * rowLen;
      int r1 = y1[y] * rowLen;
      int d = y * rowLen;
      for (int i = 0; i < rowLen; i++) {
        out[d + i] = rows[r0 + i] * b + rows[r1 + i] * a;
      }
    }
    return out;
  }

  /** Source taps and weights of OpenCV's linear interpolation along one axis. */
  private static void linearTaps(int src, int dst, int[] i0, int[] i1, float[] frac) {
    // OpenCV derives the scale as 1 / (dst / src) in double; doing the same keeps boundary cases
    // identical.
    double scale = 1.0 / ((double) dst / src);
    for (int d = 0; d < dst; d++) {
      float f = (float) ((d + 0.5) * scale - 0.5);
      int s = (int) Math.floor(f);
      f -= s;
      if (s < 0) {
        s = 0;
        f = 0f;
      }
      if (s >= src - 1) {
        s = src - 1;
        f = 0f;
      }
      i0[d] = s;
      i1[d] = Math.min(s + 1, src - 1);
      frac[d] = f;
    }
  }

  /** Source index of OpenCV's INTER_NEAREST along one axis: {@code floor(d * src/dst)}. */
  static int[] nearestTaps(int src, int dst) {
    double scale = 1.0 / ((double) dst / src);
    int[] idx = new int[dst];
    for (int d = 0; d < dst; d++) {
      idx[d] = Math.min((int) Math.floor(d * scale), src - 1);
    }
    return idx;
  }

  static float[] nearest(float[] src, int sh, int sw, int c, int dh, int dw) {
    int[] xs = nearestTaps(sw, dw);
    int[] ys = nearestTaps(sh, dh);
    float[] out = new float[dh * dw * c];
    for (int y = 0; y < dh; y++) {
      for (int x = 0; x < dw; x++) {
        System.arraycopy(src, (ys[y] * sw + xs[x]) * c, out, (y * dw + x) * c, c);
      }
    }
    return out;
  }

  static int[] nearest(int[] src, int sh, int sw, int dh, int dw) {
    int[] xs = nearestTaps(sw, dw);
    int[] ys = nearestTaps(sh, dh);
    int[] out = new int[dh * dw];
    for (int y = 0; y < dh; y++) {
      int row = ys[y] * sw;
      for (int x = 0; x < dw; x++) {
        out[y * dw + x] = src[row + xs[x]];
      }
    }
    return out;
  }

  /** Mirrors left-right; works for images (c channels) and labels (c = 1). */
  static void flipHorizontal(float[] data, int h, int w, int c) {
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w / 2; x++) {
        int a = (y * w + x) * c;
        int b = (y * w + (w - 1 - x)) * c;
        for (int k = 0; k < c; k++) {
          float t = data[a + k];
          data[a + k] = data[b + k];
          data[b + k] = t;
        }
      }
    }
  }

  static void flipHorizontal(int[] data, int h, int w) {
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w / 2; x++) {
        int a = y * w + x;
        int b = y * w + (w - 1 - x);
        int t = data[a];
        data[a] = data[b];
        data[b] = t;
      }
    }
  }

  static void flipVertical(float[] data, int h, int w, int c) {
    int row = w * c;
    float[] tmp = new float[row];
    for (int y = 0; y < h / 2; y++) {
      int a = y * row;
      int b = (h - 1 - y) * row;
      System.arraycopy(data, a, tmp, 0, row);
      System.arraycopy(data, b, data, a, row);
      System.arraycopy(tmp, 0, data, b, row);
    }
  }

  static void flipVertical(int[] data, int h, int w) {
    int[] tmp = new int[w];
    for (int y = 0; y < h / 2; y++) {
      int a = y * w;
      int b = (h - 1 - y) * w;
      System.arraycopy(data, a, tmp, 0, w);
      System.arraycopy(data, b, data, a, w);
      System.arraycopy(tmp, 0, data, b, w);
    }
  }

  /** Pads at the bottom and right to {@code th x tw} with a per-channel constant. */
  static float[] padBottomRight(float[] src, int h, int w, int c, int th, int tw, float[] value) {
    float[] out = new float[th * tw * c];
    for (int i = 0; i < th * tw; i++) {
      for (int k = 0; k < c; k++) {
        out[i * c + k] = value[k % value.length];
      }
    }
    for (int y = 0; y < h; y++) {
      System.arraycopy(src, y * w * c, out, y * tw * c, w * c);
    }
    return out;
  }

  static int[] padBottomRight(int[] src, int h, int w, int th, int tw, int value) {
    int[] out = new int[th * tw];
    Arrays.fill(out, value);
    for (int y = 0; y < h; y++) {
      System.arraycopy(src, y * w, out, y * tw, w);
    }
    return out;
  }

  static float[] crop(float[] src, int w, int c, int top, int left, int ch, int cw) {
    float[] out = new float[ch * cw * c];
    for (int y = 0; y < ch; y++) {
      System.arraycopy(src, ((top + y) * w + left) * c, out, y * cw * c, cw * c);
    }
    return out;
  }

  static int[] crop(int[] src, int w, int top, int left, int ch, int cw) {
    int[] out = new int[ch * cw];
    for (int y = 0; y < ch; y++) {
      System.arraycopy(src, (top + y) * w + left, out, y * cw, cw);
    }
    return out;
  }
}
