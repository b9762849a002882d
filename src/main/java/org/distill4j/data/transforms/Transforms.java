package org.distill4j.data.transforms;

import org.distill4j.config.Registry;

/**
 * The registry of transform types, keyed by PaddleSeg's names. It is shared: a type registered here
 * by user code becomes usable from YAML configs too.
 */
public final class Transforms {
  private static final Registry<Transform> REGISTRY = createDefault();

  private Transforms() {}

  public static Registry<Transform> registry() {
    return REGISTRY;
  }

  private static Registry<Transform> createDefault() {
    Registry<Transform> r = new Registry<>("transform");
    r.register("Resize", Resize::fromConfig);
    r.register("RandomHorizontalFlip", RandomHorizontalFlip::fromConfig);
    r.register("RandomVerticalFlip", RandomVerticalFlip::fromConfig);
    r.register("Normalize", Normalize::fromConfig);
    r.register("ResizeStepScaling", ResizeStepScaling::fromConfig);
    r.register("RandomPaddingCrop", RandomPaddingCrop::fromConfig);
    r.register("RandomDistort", RandomDistort::fromConfig);
    r.register("Padding", Padding::fromConfig);
    return r;
  }
}
