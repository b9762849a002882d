package org.distill4j.losses;

import org.distill4j.config.Registry;

/**
 * The registries of loss types, keyed by PaddleSeg's type names. Each is shared: a type registered
 * by user code (e.g. {@code Losses.featureRegistry().register("MyLoss", MyLoss::fromConfig)}) is
 * usable from YAML configs too.
 */
public final class Losses {
  private static final Registry<SegLoss> SEG = createSeg();
  private static final Registry<DistillLoss> DISTILL = createDistill();
  private static final Registry<DistillLoss> FEATURE = createFeature();

  private Losses() {}

  /** Segmentation losses on (logits, labels): {@code CrossEntropyLoss}. */
  public static Registry<SegLoss> registry() {
    return SEG;
  }

  private static Registry<SegLoss> createSeg() {
    return new Registry<SegLoss>("loss").register("CrossEntropyLoss", CrossEntropyLoss::fromConfig);
  }

  /**
   * Distillation losses on (student, teacher, labels): {@code KLLoss}, {@code
   * DistillCrossEntropyLoss}.
   */
  public static Registry<DistillLoss> distillRegistry() {
    return DISTILL;
  }

  private static Registry<DistillLoss> createDistill() {
    return new Registry<DistillLoss>("distillation loss")
        .register("KLLoss", KLLoss::fromConfig)
        .register("DistillCrossEntropyLoss", DistillCrossEntropyLoss::fromConfig);
  }

  /**
   * Feature-distillation losses on intermediate tensors (student, teacher; labels ignored): {@code
   * SegChannelwiseLoss} (CWD paper; alias {@code ChannelWiseDivergence}), {@code
   * PaddleSlimChannelwiseLoss}, {@code HintLoss} and {@code L2Loss} (the same loss), {@code
   * L1Loss}, {@code AttentionTransferLoss}, {@code PairwiseSimilarityLoss}; and {@code KLLoss}, a
   * per-position KL over channels, which suits tapped logits and ASPP outputs.
   */
  public static Registry<DistillLoss> featureRegistry() {
    return FEATURE;
  }

  private static Registry<DistillLoss> createFeature() {
    return new Registry<DistillLoss>("feature distillation loss")
        .register("SegChannelwiseLoss", SegChannelwiseLoss::fromConfig)
        .register("PaddleSlimChannelwiseLoss", PaddleSlimChannelwiseLoss::fromConfig)
        .register("HintLoss", HintLoss::fromConfig)
        .register("L2Loss", HintLoss::fromConfig)
        .register("L1Loss", L1Loss::fromConfig)
        .register("AttentionTransferLoss", AttentionTransferLoss::fromConfig)
        .register("PairwiseSimilarityLoss", PairwiseSimilarityLoss::fromConfig)
        .register("KLLoss", KLLoss::fromConfig)
        .alias("ChannelWiseDivergence", "SegChannelwiseLoss");
  }
}
