package org.distill4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.distill4j.config.ConfigMap;
import org.distill4j.engine.OwnedArrays;

/** Shape checks, normalisation and option checks shared by the feature-distillation losses. */
final class FeatureMaps {
  /** Floor of a vector norm before dividing by it, as in the usual L2 normalisation. */
  static final float NORM_EPS = 1e-12f;

  private FeatureMaps() {}

  /**
   * Fails unless both inputs are {@code (N, C, H, W)} with the same N, H and W; the channel counts
   * may differ (the loss compares channel-free maps).
   */
  static void checkSameBatchAndSize(String lossName, NDArray student, NDArray teacher) {
    Shape s = student.getShape();
    Shape t = teacher.getShape();
    if (s.dimension() != 4 || t.dimension() != 4) {
      throw new IllegalArgumentException(
          lossName + ": expected (N, C, H, W) inputs, got student " + s + " and teacher " + t);
    }
    if (s.get(0) != t.get(0) || s.get(2) != t.get(2) || s.get(3) != t.get(3)) {
      throw new IllegalArgumentException(
          lossName
              + ": student "
              + s
              + " and teacher "
              + t
              + " must have the same batch size and spatial size (H, W); channel counts may"
              + " differ. Resize one of them with a connector");
    }
  }

  /** Divides by the L2 norm along {@code axis}, floored at {@link #NORM_EPS}. */
  static NDArray l2Normalize(NDArray x, int axis) {
    return x.div(OwnedArrays.maximum(x.norm(new int[] {axis}, true), NORM_EPS));
  }

  /** A finite option value {@code > 0}, e.g. a temperature. */
  static double positive(ConfigMap config, String key, double fallback) {
    double value = config.optDouble(key, fallback);
    if (!(value > 0) || Double.isInfinite(value)) {
      throw config.error(key, "must be a finite number > 0, got " + value);
    }
    return value;
  }

  static double checkPositive(String what, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(what + " must be a finite number > 0, got " + value);
    }
    return value;
  }
}
