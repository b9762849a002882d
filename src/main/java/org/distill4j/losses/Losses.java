package org.distill4j.losses;

import org.distill4j.config.Registry;

/** The registries of loss types, keyed by PaddleSeg's type names. */
public final class Losses {
  private Losses() {}

  /** Segmentation losses on (logits, labels): {@code CrossEntropyLoss}. */
  public static Registry<SegLoss> registry() {
    return new Registry<SegLoss>("loss").register("CrossEntropyLoss", CrossEntropyLoss::fromConfig);
  }

  /**
   * Distillation losses on (student, teacher, labels): {@code KLLoss}, {@code
   * DistillCrossEntropyLoss}.
   */
  public static Registry<DistillLoss> distillRegistry() {
    return new Registry<DistillLoss>("distillation loss")
        .register("KLLoss", KLLoss::fromConfig)
        .register("DistillCrossEntropyLoss", DistillCrossEntropyLoss::fromConfig);
  }

  /** Feature (intermediate-tensor) distillation losses. */
  public static Registry<DistillLoss> featureRegistry() {
    return distillRegistry();
  }
}
