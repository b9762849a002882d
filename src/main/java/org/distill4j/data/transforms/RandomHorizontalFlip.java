package org.distill4j.data.transforms;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.distill4j.config.ConfigMap;

/** Mirrors image and label left-right with probability {@code prob} (default 0.5). */
public final class RandomHorizontalFlip implements Transform {
  private final double prob;

  public RandomHorizontalFlip() {
    this(0.5);
  }

  public RandomHorizontalFlip(double prob) {
    if (!(prob >= 0 && prob <= 1)) {
      throw new IllegalArgumentException("prob must be in [0, 1]: " + prob);
    }
    this.prob = prob;
  }

  public static RandomHorizontalFlip fromConfig(ConfigMap cfg) {
    ConfigKeys.allowOnly(cfg, "RandomHorizontalFlip", "prob");
    return new RandomHorizontalFlip(ConfigKeys.probability(cfg, "prob", 0.5));
  }

  public double prob() {
    return prob;
  }

  @Override
  public void apply(SegImage img, Random rng) {
    if (rng.nextDouble() < prob) {
      Resampling.flipHorizontal(img.data, img.height, img.width, img.channels);
      if (img.hasLabel()) {
        Resampling.flipHorizontal(img.label, img.labelHeight, img.labelWidth);
      }
    }
  }

  @Override
  public boolean isRandom() {
    return true;
  }

  /** Never flipping and always flipping, those of the two that can happen. */
  @Override
  public Optional<List<Transform>> outcomes() {
    return Transform.neverOrAlways(prob, RandomHorizontalFlip::new);
  }

  @Override
  public String toString() {
    return "RandomHorizontalFlip(prob=" + prob + ")";
  }
}
