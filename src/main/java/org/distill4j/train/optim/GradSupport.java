package org.distill4j.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Engine details of an in-place parameter update. DJL's built-in optimizers clear each weight's
 * gradient after updating it (PyTorch accumulates gradients otherwise), and in-place writes to a
 * leaf weight must happen with autograd recording switched off.
 */
final class GradSupport {
  private GradSupport() {}

  /** Switches autograd recording off; returns the previous state for {@link #restore}. */
  static boolean pause(NDArray weight) {
    if (weight instanceof PtNDArray) {
      boolean previous = JniUtils.isGradMode();
      if (previous) {
        JniUtils.setGradMode(false);
      }
      return previous;
    }
    return false;
  }

  static void restore(NDArray weight, boolean previous) {
    if (previous && weight instanceof PtNDArray) {
      JniUtils.setGradMode(true);
    }
  }

  /** Zeroes the gradient stored with {@code weight}, so the next backward starts from 0. */
  static void zeroGradient(NDArray weight) {
    if (weight instanceof PtNDArray) {
      JniUtils.zeroGrad((PtNDArray) weight);
    } else if (weight.hasGradient()) {
      try (NDArray gradient = weight.getGradient()) {
        gradient.muli(0);
      }
    }
  }
}
