package org.distill4j.data.transforms;

/**
 * Colour operations with the arithmetic of PIL's ImageEnhance and HSV conversion, on interleaved
 * 8-bit RGB held in an int array. PaddleSeg's RandomDistort runs on PIL images, so these keep its
 * rounding: enhancements blend {@code degenerate + factor * (image - degenerate)} in float and
 * truncate, clipping to [0, 255].
 */
final class PilEnhance {
  private PilEnhance() {}

  /** Blends with black. */
  static void brightness(int[] rgb, double factor) {
    float a = (float) factor;
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = blend(0, rgb[i], a);
    }
  }

  /** Blends with a flat grey at the rounded mean luma of the image. */
  static void contrast(int[] rgb, double factor) {
    int n = rgb.length / 3;
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += luma(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]);
    }
    int mean = (int) ((double) sum / n + 0.5);
    float a = (float) factor;
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = blend(mean, rgb[i], a);
    }
  }

  /** Blends with the greyscale version of the image (PIL's ImageEnhance.Color). */
  static void saturation(int[] rgb, double factor) {
    float a = (float) factor;
    for (int i = 0; i < rgb.length; i += 3) {
      int l = luma(rgb[i], rgb[i + 1], rgb[i + 2]);
      rgb[i] = blend(l, rgb[i], a);
      rgb[i + 1] = blend(l, rgb[i + 1], a);
      rgb[i + 2] = blend(l, rgb[i + 2], a);
    }
  }

  /**
   * Adds {@code delta} to PIL's 8-bit hue channel (0..255 is the full circle), truncating and
   * wrapping modulo 256 as the uint8 assignment in PaddleSeg does.
   */
  static void hue(int[] rgb, double delta) {
    int[] hsv = new int[3];
    for (int i = 0; i < rgb.length; i += 3) {
      rgbToHsv(rgb[i], rgb[i + 1], rgb[i + 2], hsv);
      int h = ((int) (hsv[0] + delta)) & 0xFF;
      hsvToRgb(h, hsv[1], hsv[2], rgb, i);
    }
  }

  /** Blends with the image smoothed by PIL's SMOOTH kernel (border pixels are kept). */
  static void sharpness(int[] rgb, int h, int w, double factor) {
    int[] smooth = rgb.clone();
    for (int y = 1; y < h - 1; y++) {
      for (int x = 1; x < w - 1; x++) {
        for (int c = 0; c < 3; c++) {
          float s = 0;
          for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
              float weight = (dx == 0 && dy == 0) ? 5f / 13f : 1f / 13f;
              s += rgb[((y + dy) * w + x + dx) * 3 + c] * weight;
            }
          }
          smooth[(y * w + x) * 3 + c] = s <= 0 ? 0 : s >= 255 ? 255 : (int) (s + 0.5f);
        }
      }
    }
    float a = (float) factor;
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = blend(smooth[i], rgb[i], a);
    }
  }

  /** PIL's RGB to L: ITU-R 601 weights in 16-bit fixed point, rounded. */
  static int luma(int r, int g, int b) {
    return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
  }

  static int blend(int degenerate, int image, float factor) {
    float t = degenerate + factor * (image - degenerate);
    if (t <= 0f) {
      return 0;
    }
    if (t >= 255f) {
      return 255;
    }
    return (int) t;
  }

  /** PIL's RGB to HSV, each channel in 0..255. */
  static void rgbToHsv(int r, int g, int b, int[] out) {
    int max = Math.max(r, Math.max(g, b));
    int min = Math.min(r, Math.min(g, b));
    out[2] = max;
    if (max == min) {
      out[0] = 0;
      out[1] = 0;
      return;
    }
    float cr = max - min;
    float s = cr / max;
    float rc = (max - r) / cr;
    float gc = (max - g) / cr;
    float bc = (max - b) / cr;
    float h;
    if (r == max) {
      h = bc - gc;
    } else if (g == max) {
      h = 2.0f + rc - bc;
    } else {
      h = 4.0f + gc - rc;
    }
    // PIL keeps the wrapped hue in a float before scaling it to 0..255.
    float hh = (float) ((h / 6.0 + 1.0) % 1.0);
    out[0] = clip8((int) (hh * 255.0));
    out[1] = clip8((int) (s * 255.0));
  }

  /** PIL's HSV to RGB, writing three values at {@code out[offset]}. */
  static void hsvToRgb(int h, int s, int v, int[] out, int offset) {
    int r;
    int g;
    int b;
    if (s == 0) {
      r = v;
      g = v;
      b = v;
    } else {
      int i = (int) Math.floor(h * 6.0 / 255.0);
      float f = (float) (h * 6.0 / 255.0 - i);
      float fs = (float) (s / 255.0);
      int p = clip8((int) Math.round(v * (1.0 - fs)));
      int q = clip8((int) Math.round(v * (1.0 - fs * f)));
      int t = clip8((int) Math.round(v * (1.0 - fs * (1.0 - f))));
      switch (i % 6) {
        case 0 -> {
          r = v;
          g = t;
          b = p;
        }
        case 1 -> {
          r = q;
          g = v;
          b = p;
        }
        case 2 -> {
          r = p;
          g = v;
          b = t;
        }
        case 3 -> {
          r = p;
          g = q;
          b = v;
        }
        case 4 -> {
          r = t;
          g = p;
          b = v;
        }
        default -> {
          r = v;
          g = p;
          b = q;
        }
      }
    }
    out[offset] = r;
    out[offset + 1] = g;
    out[offset + 2] = b;
  }

  private static int clip8(int v) {
    return v < 0 ? 0 : Math.min(v, 255);
  }
}
