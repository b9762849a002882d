package org.distill4j.data.transforms;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.distill4j.config.ConfigMap;

/** Mirrors image and label top-bottom with probability {@code prob} (default 0.1, as PaddleSeg). */
public final class RandomVerticalFlip implements Transform {
  private final double prob;

  public RandomVerticalFlip() {
    this(0.1);
  }

  public RandomVerticalFlip(double prob) {
    if (!(prob >= 0 && prob <= 1)) {
      throw new IllegalArgumentException("prob must be in [0, 1]: " + prob);
    }
    this.prob = prob;
  }

  public static RandomVerticalFlip fromConfig(ConfigMap cfg) {
    ConfigKeys.allowOnly(cfg, "RandomVerticalFlip", "prob");
    return new RandomVerticalFlip(ConfigKeys.probability(cfg, "prob", 0.1));
  }

  @Override
  public void apply(SegImage img, Random rng) {
    if (rng.nextDouble() < prob) {
      Resampling.flipVertical(img.data, img.height, img.width, img.channels);
      if (img.hasLabel()) {
        Resampling.flipVertical(img.label, img.labelHeight, img.labelWidth);
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
    return Transform.neverOrAlways(prob, RandomVerticalFlip::new);
  }

  @Override
  public String toString() {
    return "RandomVerticalFlip(prob=" + prob + ")";
  }
}
