/**
 * Losses and their registries.
 *
 * <ul>
 *   <li>Segmentation losses on (logits, labels), {@link org.distill4j.losses.SegLoss}: {@link
 *       org.distill4j.losses.CrossEntropyLoss}, combined by {@link org.distill4j.losses.LossMix};
 *       registry {@link org.distill4j.losses.Losses#registry()}.
 *   <li>Logit distillation losses on (student, teacher, labels), {@link
 *       org.distill4j.losses.DistillLoss}: {@link org.distill4j.losses.KLLoss}, {@link
 *       org.distill4j.losses.DistillCrossEntropyLoss}, combined by {@link
 *       org.distill4j.losses.DistillLossMix}; registry {@link
 *       org.distill4j.losses.Losses#distillRegistry()}.
 *   <li>Feature distillation losses on intermediate tensors, also {@link
 *       org.distill4j.losses.DistillLoss} but ignoring the labels: {@link
 *       org.distill4j.losses.SegChannelwiseLoss} (CWD paper), {@link
 *       org.distill4j.losses.PaddleSlimChannelwiseLoss} (PaddleSlim's original), {@link
 *       org.distill4j.losses.HintLoss} (FitNets, also {@code L2Loss}), {@link
 *       org.distill4j.losses.L1Loss}, {@link org.distill4j.losses.AttentionTransferLoss} and {@link
 *       org.distill4j.losses.PairwiseSimilarityLoss}; registry {@link
 *       org.distill4j.losses.Losses#featureRegistry()}. The last two accept different channel
 *       counts for student and teacher; the others need identical shapes.
 * </ul>
 *
 * <p>Every loss returns a scalar that is differentiable with respect to the student. The teacher is
 * used as given: pass a teacher output computed without gradient recording so that no gradient
 * reaches it. Intermediate arrays live in the manager of the inputs.
 */
package org.distill4j.losses;
