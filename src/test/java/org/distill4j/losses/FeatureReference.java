package org.distill4j.losses;

/**
 * Independent plain-Java (double) formulas of the feature-distillation losses, written from the
 * papers' definitions, to check the NDArray implementations. Tensors are flat NCHW arrays.
 */
final class FeatureReference {
  private FeatureReference() {}

  /** CWD: per (n, c) softmax over H·W of x/τ, KL(t‖s) summed over space, × τ² / (N·C). */
  static double channelwise(double[] s, double[] t, int n, int c, int hw, double tau) {
    double total = 0;
    for (int row = 0; row < n * c; row++) {
      total += rowKl(s, t, row * hw, hw, tau);
    }
    return total * tau * tau / (n * c);
  }

  /** PaddleSlim: softmax over the W axis, KL(t‖s) terms averaged over all N·C·H·W elements. */
  static double paddleSlimChannelwise(double[] s, double[] t, int n, int c, int h, int w) {
    double total = 0;
    for (int row = 0; row < n * c * h; row++) {
      total += rowKl(s, t, row * w, w, 1);
    }
    return total / s.length;
  }

  /** Σ_i q_i (log q_i − log p_i) for softmaxes of x/τ over {@code length} consecutive elements. */
  private static double rowKl(double[] s, double[] t, int start, int length, double tau) {
    double[] logP = logSoftmax(s, start, length, tau);
    double[] logQ = logSoftmax(t, start, length, tau);
    double kl = 0;
    for (int i = 0; i < length; i++) {
      kl += Math.exp(logQ[i]) * (logQ[i] - logP[i]);
    }
    return kl;
  }

  private static double[] logSoftmax(double[] x, int start, int length, double tau) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < length; i++) {
      max = Math.max(max, x[start + i] / tau);
    }
    double sum = 0;
    for (int i = 0; i < length; i++) {
      sum += Math.exp(x[start + i] / tau - max);
    }
    double[] out = new double[length];
    for (int i = 0; i < length; i++) {
      out[i] = x[start + i] / tau - max - Math.log(sum);
    }
    return out;
  }

  static double meanSquaredError(double[] s, double[] t) {
    double sum = 0;
    for (int i = 0; i < s.length; i++) {
      sum += (s[i] - t[i]) * (s[i] - t[i]);
    }
    return sum / s.length;
  }

  static double meanAbsoluteError(double[] s, double[] t) {
    double sum = 0;
    for (int i = 0; i < s.length; i++) {
      sum += Math.abs(s[i] - t[i]);
    }
    return sum / s.length;
  }

  /** Attention transfer: Σ over samples and positions of squared unit-map differences / (N·H·W). */
  static double attentionTransfer(double[] s, int cs, double[] t, int ct, int n, int hw, double p) {
    double sum = 0;
    for (int b = 0; b < n; b++) {
      double[] as = attentionMap(s, b, cs, hw, p);
      double[] at = attentionMap(t, b, ct, hw, p);
      for (int i = 0; i < hw; i++) {
        sum += (as[i] - at[i]) * (as[i] - at[i]);
      }
    }
    return sum / (n * hw);
  }

  /** Σ_c |x|^p per position (sum, not mean: the normalisation removes the 1/C). */
  private static double[] attentionMap(double[] x, int b, int c, int hw, double p) {
    double[] map = new double[hw];
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < hw; i++) {
        map[i] += Math.pow(Math.abs(x[(b * c + ch) * hw + i]), p);
      }
    }
    double norm = 0;
    for (double v : map) {
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (int i = 0; i < hw; i++) {
      map[i] /= norm;
    }
    return map;
  }

  /**
   * Pair-wise similarity: average-pool by {@code k} (windows clipped at the border), cosine
   * similarity of every pair of positions, squared differences averaged over N·(h·w)².
   */
  static double pairwise(double[] s, int cs, double[] t, int ct, int n, int h, int w, int k) {
    double sum = 0;
    int positions = 0;
    for (int b = 0; b < n; b++) {
      double[][] fs = unitVectors(pool(s, b, cs, h, w, k));
      double[][] ft = unitVectors(pool(t, b, ct, h, w, k));
      positions = fs.length;
      for (int i = 0; i < positions; i++) {
        for (int j = 0; j < positions; j++) {
          double d = dot(fs[i], fs[j]) - dot(ft[i], ft[j]);
          sum += d * d;
        }
      }
    }
    return sum / ((double) n * positions * positions);
  }

  /** The pooled feature vector of each output position: [position][channel]. */
  private static double[][] pool(double[] x, int b, int c, int h, int w, int k) {
    int oh = (h + k - 1) / k;
    int ow = (w + k - 1) / k;
    double[][] out = new double[oh * ow][c];
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        for (int ch = 0; ch < c; ch++) {
          double sum = 0;
          int count = 0;
          for (int y = oy * k; y < Math.min(h, (oy + 1) * k); y++) {
            for (int xx = ox * k; xx < Math.min(w, (ox + 1) * k); xx++) {
              sum += x[((b * c + ch) * h + y) * w + xx];
              count++;
            }
          }
          out[oy * ow + ox][ch] = sum / count;
        }
      }
    }
    return out;
  }

  private static double[][] unitVectors(double[][] vectors) {
    double[][] out = new double[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      double norm = Math.sqrt(dot(vectors[i], vectors[i]));
      out[i] = new double[vectors[i].length];
      for (int j = 0; j < vectors[i].length; j++) {
        out[i][j] = vectors[i][j] / norm;
      }
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }
}
