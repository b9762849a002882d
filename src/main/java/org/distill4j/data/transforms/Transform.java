package org.distill4j.data.transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.DoubleFunction;

/**
 * One preprocessing or augmentation step, applied in place to a {@link SegImage}. Implementations
 * keep no per-call state and draw all randomness from the {@code rng} they are given, so that the
 * same seed gives the same sample on any thread. When the image carries a label, spatial transforms
 * change it the same way (nearest-neighbour for resizing).
 */
public interface Transform {
  void apply(SegImage img, Random rng);

  /** True when the result depends on {@code rng} (augmentation), false for fixed preprocessing. */
  boolean isRandom();

  /**
   * The fixed transforms this one can act as, when they can be listed: a random flip is either no
   * flip or a flip. Empty when the outcomes cannot be listed (random scales, crops, colour
   * changes). Lets a cache precompute everything a model could be shown for one image. A transform
   * that is not random is its own only outcome.
   */
  default Optional<List<Transform>> outcomes() {
    return isRandom() ? Optional.empty() : Optional.of(List.of(this));
  }

  /**
   * The outcomes of a transform applied with probability {@code prob}: never applying it ({@code
   * withProbability} of 0) and always applying it (of 1), those of the two that can happen.
   */
  static Optional<List<Transform>> neverOrAlways(
      double prob, DoubleFunction<Transform> withProbability) {
    List<Transform> out = new ArrayList<>();
    if (prob < 1) {
      out.add(withProbability.apply(0));
    }
    if (prob > 0) {
      out.add(withProbability.apply(1));
    }
    return Optional.of(out);
  }
}
