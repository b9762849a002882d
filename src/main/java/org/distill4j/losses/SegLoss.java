package org.distill4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * A segmentation loss on one model output: logits {@code (N, C, H, W)} against integer labels
 * {@code (N, H, W)} (int32 or int64; {@code (N, 1, H, W)} is accepted too) where the ignore index
 * (255 by default) marks pixels that do not count. The result is a scalar that stays differentiable
 * with respect to the logits. Intermediate arrays live in the logits' manager, so callers scope a
 * step's arrays by creating the logits in a sub-manager.
 */
public interface SegLoss {

  /** The scalar loss of {@code logits} against {@code labels}. */
  NDArray evaluate(NDArray logits, NDArray labels);

  /** The config type name of this loss, e.g. {@code CrossEntropyLoss}. */
  String name();
}
