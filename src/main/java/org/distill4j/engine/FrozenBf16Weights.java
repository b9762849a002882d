package org.distill4j.engine;

import ai.djl.ndarray.NDArray;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The bfloat16 copies of a frozen model's convolution weights and biases, each made the first time
 * a convolution asks for it inside an {@link Autocast#scope(org.distill4j.config.Amp,
 * FrozenBf16Weights) Autocast scope} that carries this object, and handed out again after that. A
 * model being trained has to round its float32 weights at every forward pass, as PyTorch's autocast
 * does, because they change at every step; a frozen model's do not, so the rounding is done once
 * (torchdistill casts a frozen teacher to half precision once for the same reason).
 *
 * <p>Keyed by the float32 array itself: a weight replaced by another array (weights loaded anew, or
 * copied to another device) gets its own copy; a weight changed in place would keep its stale copy,
 * which is why only a model whose parameters are frozen ({@code distill.FrozenTeacher}) carries
 * one. The copies live in their weights' managers and are freed with them.
 */
public final class FrozenBf16Weights {
  private final Map<NDArray, NDArray> copies = new IdentityHashMap<>();

  /** The bfloat16 copy of {@code weight}, made on the first call for that array. */
  public synchronized NDArray of(NDArray weight) {
    NDArray copy = copies.get(weight);
    if (copy == null) {
      copy = ScriptedOps.get().toBfloat16(weight);
      copies.put(weight, copy);
    }
    return copy;
  }

  /** How many copies have been made. */
  public synchronized int size() {
    return copies.size();
  }
}
