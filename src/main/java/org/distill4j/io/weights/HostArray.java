package org.distill4j.io.weights;

import java.util.Arrays;

/**
 * One tensor read from (or about to be written to) a weights file of another framework, held in
 * Java memory: its shape and its float32 values in row-major (C) order. Files that store float16 or
 * float64, or Fortran order, are converted to this form by their reader, so everything that matches
 * names and shapes against a model sees one representation.
 */
public record HostArray(long[] shape, float[] values) {
  public HostArray {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + n + " values, got " + values.length);
    }
  }

  /** The shape as PaddleSeg prints it in its load messages, e.g. {@code [64, 3, 3, 3]}. */
  public String shapeText() {
    return Arrays.toString(shape);
  }
}
