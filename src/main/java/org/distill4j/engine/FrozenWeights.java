package org.distill4j.engine;

import ai.djl.ndarray.NDArray;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a forward pass derives once from a model whose weights do not change, carried by the {@link
 * Autocast#scope(org.distill4j.config.Amp, FrozenWeights) Autocast scope} of its forward passes and
 * handed out again on every later pass:
 *
 * <ul>
 *   <li>in a bf16 scope, the bfloat16 copies of its convolution weights and biases ({@link #bf16}).
 *       A model being trained has to round its float32 weights at every forward pass, as PyTorch's
 *       autocast does, because they change at every step; a frozen model's do not, so the rounding
 *       is done once (torchdistill casts a frozen teacher to half precision once for the same
 *       reason);
 *   <li>each convolution followed by a batch norm on its running statistics as one convolution with
 *       the batch norm folded into its weights and bias ({@link #folded}, made in float32 by {@code
 *       models.layers.ConvBNLayer}; in a bf16 scope rounded to bfloat16 once like any other
 *       weight): the batch norm's pass over the activations is gone, and with it one array of the
 *       convolution's size per layer (the float32 forward pass of a ResNet50 teacher at 256x256
 *       took 9 % less host time, docs/performance.md "A frozen teacher's batch norms folded"). In
 *       float32 the numbers differ from the separate batch norm's only in rounding.
 * </ul>
 *
 * <p>Keyed by the float32 weight array itself: a weight replaced by another array (weights loaded
 * anew, or copied to another device) gets its own entry; a weight or statistic changed in place
 * would keep its stale entry, which is why only a model whose parameters are frozen ({@code
 * distill.FrozenTeacher}) carries one. The entries live in their weights' managers and are freed
 * with them.
 */
public final class FrozenWeights {
  private final Map<NDArray, NDArray> bf16Copies = new IdentityHashMap<>();
  private final Map<NDArray, FoldedConv> folds = new IdentityHashMap<>();

  /** The bfloat16 copy of {@code weight}, made on the first call for that array. */
  public synchronized NDArray bf16(NDArray weight) {
    NDArray copy = bf16Copies.get(weight);
    if (copy == null) {
      copy = ScriptedOps.get().toBfloat16(weight);
      bf16Copies.put(weight, copy);
    }
    return copy;
  }

  /**
   * The folded convolution of the layer whose convolution weight is {@code convWeight}, made by
   * {@code fold} on the first call for that array.
   */
  public synchronized FoldedConv folded(NDArray convWeight, Supplier<FoldedConv> fold) {
    return folds.computeIfAbsent(convWeight, w -> fold.get());
  }

  /** How many bfloat16 copies have been made. */
  public synchronized int bf16Count() {
    return bf16Copies.size();
  }

  /** How many folded convolutions have been made. */
  public synchronized int foldedCount() {
    return folds.size();
  }

  /**
   * A convolution with a batch norm folded in: {@code bn(conv(x, w, b))} on the running statistics
   * computed as {@code conv(x, weight, bias)}.
   *
   * @param weight the convolution's weights, each output channel's scaled by the batch norm's
   *     {@code gamma / sqrt(var + eps)}
   * @param bias {@code beta + (b - mean) * gamma / sqrt(var + eps)} per output channel ({@code b}
   *     the convolution's own bias, or 0)
   */
  public record FoldedConv(NDArray weight, NDArray bias) {}
}
