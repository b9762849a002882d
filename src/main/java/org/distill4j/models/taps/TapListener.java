package org.distill4j.models.taps;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * What a {@link TapHub} hands published tensors to while it is attached. {@code
 * org.distill4j.models.TapRecorder} attaches one of its own (a private adapter, so these two calls
 * stay out of the recorder's public API). The interface exists so that the hub, and the blocks that
 * only know the hub, need nothing from the model package above them.
 */
public interface TapListener {
  /**
   * A block published {@code value} under {@code name} in the forward pass now running; keep it if
   * it was asked for. The tensor is the forward pass's own array, not a copy.
   */
  void offer(String name, NDArray value);

  /**
   * A block's inference scope {@code from} is about to close: re-attach every kept tensor that
   * lives there to {@code to}, so it outlives the block that made it.
   */
  void moveOut(NDManager from, NDManager to);
}
