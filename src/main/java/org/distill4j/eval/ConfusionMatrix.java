package org.distill4j.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Pixel counts over a whole evaluation set, as PaddleSeg accumulates them: {@code
 * count[label][pred]} for every pixel whose label is not the ignore index. From it come the
 * per-class areas of PaddleSeg's metrics: intersection {@code I_i} (diagonal), prediction area
 * {@code P_i} (column sums, over counted pixels only) and label area {@code L_i} (row sums). Counts
 * are {@code long}.
 */
public final class ConfusionMatrix {
  private final int numClasses;
  private final int ignoreIndex;
  private final long[][] counts;

  public ConfusionMatrix(int numClasses, int ignoreIndex) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
    }
    this.numClasses = numClasses;
    this.ignoreIndex = ignoreIndex;
    this.counts = new long[numClasses][numClasses];
  }

  /** A matrix for {@code numClasses} classes that ignores label 255. */
  public ConfusionMatrix(int numClasses) {
    this(numClasses, 255);
  }

  public int numClasses() {
    return numClasses;
  }

  public int ignoreIndex() {
    return ignoreIndex;
  }

  /**
   * Counts one image (or batch) of predicted and true class ids, pixel by pixel.
   *
   * @throws IllegalArgumentException when the lengths differ, a label that is not the ignore index
   *     lies outside {@code [0, numClasses)}, or a prediction does
   */
  public void add(int[] pred, int[] label) {
    if (pred.length != label.length) {
      throw new IllegalArgumentException(
          "prediction has " + pred.length + " pixels but label has " + label.length);
    }
    for (int i = 0; i < label.length; i++) {
      checkPixel(pred[i], label[i], i);
    }
    // Counted only after the whole input is known to be valid, so a rejected image leaves no trace.
    for (int i = 0; i < label.length; i++) {
      if (label[i] != ignoreIndex) {
        counts[label[i]][pred[i]]++;
      }
    }
  }

  private void checkPixel(int p, int l, int i) {
    if (l == ignoreIndex) {
      return;
    }
    if (l < 0 || l >= numClasses) {
      throw new IllegalArgumentException(
          "label value "
              + l
              + " at pixel "
              + i
              + " is outside [0, "
              + (numClasses - 1)
              + "] and is not the ignore index "
              + ignoreIndex);
    }
    if (p < 0 || p >= numClasses) {
      throw new IllegalArgumentException(
          "predicted class " + p + " at pixel " + i + " is outside [0, " + (numClasses - 1) + "]");
    }
  }

  /** Counts predicted and true class-id arrays of the same shape (any integer type). */
  public void add(NDArray pred, NDArray label) {
    if (!pred.getShape().equals(label.getShape())) {
      throw new IllegalArgumentException(
          "prediction shape " + pred.getShape() + " differs from label shape " + label.getShape());
    }
    try (NDArray p = pred.toType(DataType.INT32, true);
        NDArray l = label.toType(DataType.INT32, true)) {
      add(p.toIntArray(), l.toIntArray());
    }
  }

  /** Adds the counts of another matrix (e.g. from another worker) to this one. */
  public void merge(ConfusionMatrix other) {
    if (other.numClasses != numClasses || other.ignoreIndex != ignoreIndex) {
      throw new IllegalArgumentException(
          "cannot merge a matrix for "
              + other.numClasses
              + " classes (ignore "
              + other.ignoreIndex
              + ") into one for "
              + numClasses
              + " classes (ignore "
              + ignoreIndex
              + ")");
    }
    for (int l = 0; l < numClasses; l++) {
      for (int p = 0; p < numClasses; p++) {
        counts[l][p] += other.counts[l][p];
      }
    }
  }

  /** Number of counted pixels with true class {@code label} predicted as {@code pred}. */
  public long count(int label, int pred) {
    return counts[label][pred];
  }

  /** {@code I_i}: pixels of class i predicted as i. */
  public long[] intersect() {
    long[] out = new long[numClasses];
    for (int i = 0; i < numClasses; i++) {
      out[i] = counts[i][i];
    }
    return out;
  }

  /** {@code P_i}: counted (non-ignored) pixels predicted as class i. */
  public long[] predArea() {
    long[] out = new long[numClasses];
    for (int l = 0; l < numClasses; l++) {
      for (int p = 0; p < numClasses; p++) {
        out[p] += counts[l][p];
      }
    }
    return out;
  }

  /** {@code L_i}: pixels labelled class i. */
  public long[] labelArea() {
    long[] out = new long[numClasses];
    for (int l = 0; l < numClasses; l++) {
      for (int p = 0; p < numClasses; p++) {
        out[l] += counts[l][p];
      }
    }
    return out;
  }

  /** PaddleSeg's metrics from the counts so far. */
  public SegMetrics compute() {
    return SegMetrics.of(intersect(), predArea(), labelArea());
  }
}
