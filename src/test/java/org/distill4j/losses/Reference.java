package org.distill4j.losses;

import java.util.Arrays;
import java.util.Random;

/**
 * Independent plain-Java (double) formulas of PaddleSeg's losses, written from the formulas in the
 * reference notes, used to check the NDArray implementations. Tensors are flat NCHW arrays.
 */
final class Reference {
  private Reference() {}

  static double[] randomLogits(long seed, int size, double scale) {
    Random random = new Random(seed);
    double[] out = new double[size];
    for (int i = 0; i < size; i++) {
      out[i] = random.nextGaussian() * scale;
    }
    return out;
  }

  static float[] toFloat(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  /** log-softmax over the class axis at pixel (n, pixel) for class c. */
  static double logSoftmax(double[] z, int n, int c, int classes, int pixels, int pixel, double t) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < classes; k++) {
      max = Math.max(max, z[(n * classes + k) * pixels + pixel] / t);
    }
    double sum = 0;
    for (int k = 0; k < classes; k++) {
      sum += Math.exp(z[(n * classes + k) * pixels + pixel] / t - max);
    }
    return z[(n * classes + c) * pixels + pixel] / t - max - Math.log(sum);
  }

  /** PaddleSeg CrossEntropyLoss; weight may be null. */
  static double crossEntropy(
      double[] z, int[] y, int n, int classes, int pixels, double[] weight, double topK) {
    int total = n * pixels;
    double[] loss = new double[total];
    double[] coef = new double[total];
    double[] mask = new double[total];
    for (int b = 0; b < n; b++) {
      for (int p = 0; p < pixels; p++) {
        int i = b * pixels + p;
        boolean valid = y[i] != 255;
        int label = valid ? y[i] : 0;
        mask[i] = valid ? 1 : 0;
        coef[i] = weight == null ? 1 : weight[label];
        loss[i] = valid ? -coef[i] * logSoftmax(z, b, label, classes, pixels, p, 1) : 0;
      }
    }
    return reduce(loss, mask, coef, topK);
  }

  static double reduce(double[] loss, double[] mask, double[] coef, double topK) {
    int total = loss.length;
    if (topK >= 1) {
      double sumLoss = 0;
      double sumCoef = 0;
      for (int i = 0; i < total; i++) {
        sumLoss += loss[i];
        sumCoef += mask[i] * coef[i];
      }
      return (sumLoss / total) / (sumCoef / total + 1e-8);
    }
    int k = (int) (topK * total);
    Integer[] order = new Integer[total];
    for (int i = 0; i < total; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(loss[b], loss[a]));
    double sumLoss = 0;
    double sumCoef = 0;
    for (int j = 0; j < k; j++) {
      sumLoss += loss[order[j]];
      sumCoef += coef[order[j]];
    }
    return (sumLoss / k) / (sumCoef / k + 1e-8);
  }

  /** PaddleSeg KLLoss; labels may be null. */
  static double kl(double[] s, double[] t, int[] y, int n, int classes, int pixels, double temp) {
    double sum = 0;
    int valid = 0;
    for (int b = 0; b < n; b++) {
      for (int p = 0; p < pixels; p++) {
        boolean counted = y == null || y[b * pixels + p] != 255;
        if (counted) {
          valid++;
        }
        for (int c = 0; c < classes; c++) {
          double logP = logSoftmax(s, b, c, classes, pixels, p, temp);
          double logQ = logSoftmax(t, b, c, classes, pixels, p, temp);
          double e = Math.exp(logQ) * (logQ - logP) * temp * temp;
          sum += counted ? e : 0;
        }
      }
    }
    double elements = (double) n * classes * pixels;
    if (y == null) {
      return sum / elements;
    }
    return (sum / elements) / (valid / (double) (n * pixels) + 1e-8);
  }

  /** PaddleSeg DistillCrossEntropyLoss (soft-target CE with CE's mask and reduction). */
  static double distillCe(
      double[] s, double[] t, int[] y, int n, int classes, int pixels, double[] w, double topK) {
    int total = n * pixels;
    double[] loss = new double[total];
    double[] coef = new double[total];
    double[] mask = new double[total];
    for (int b = 0; b < n; b++) {
      for (int p = 0; p < pixels; p++) {
        int i = b * pixels + p;
        boolean valid = y == null || y[i] != 255;
        int label = y == null || !valid ? 0 : y[i];
        mask[i] = valid ? 1 : 0;
        coef[i] = w == null || y == null ? 1 : w[label];
        double ce = 0;
        double softWeight = 0;
        for (int c = 0; c < classes; c++) {
          double q = Math.exp(logSoftmax(t, b, c, classes, pixels, p, 1));
          ce -= q * logSoftmax(s, b, c, classes, pixels, p, 1);
          softWeight += q * (w == null ? 1 : w[c]);
        }
        loss[i] = valid ? ce * (w == null ? 1 : softWeight) : 0;
      }
    }
    return reduce(loss, mask, coef, topK);
  }

  /** Central finite-difference gradient of {@code f} at {@code x}. */
  static double[] numericGradient(java.util.function.ToDoubleFunction<double[]> f, double[] x) {
    double h = 1e-5;
    double[] grad = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double[] plus = x.clone();
      double[] minus = x.clone();
      plus[i] += h;
      minus[i] -= h;
      grad[i] = (f.applyAsDouble(plus) - f.applyAsDouble(minus)) / (2 * h);
    }
    return grad;
  }
}
