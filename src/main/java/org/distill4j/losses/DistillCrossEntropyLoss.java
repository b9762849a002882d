package org.distill4j.losses;

import ai.djl.ndarray.NDArray;
import org.distill4j.config.ConfigMap;

/**
 * PaddleSeg's {@code DistillCrossEntropyLoss}: cross-entropy of the student against the teacher's
 * softmax as a soft target (temperature 1), with {@link CrossEntropyLoss}'s mask, class weights and
 * normalisation:
 *
 * <pre>
 * q   = softmax(t), l_p = -sum_c q_c log_softmax(s)_c       per pixel
 * l_p = l_p * sum_c q_c w_c                                  with class weights (Paddle's soft-label weighting)
 * loss = mean(l * m) / (mean(m * w[label]) + 1e-8)          m = (label != ignore)
 * </pre>
 *
 * <p>{@code top_k_percent_pixels} mines hard pixels as in {@link CrossEntropyLoss}. PaddleSeg needs
 * the labels; without them (a distill4j extension) every pixel counts with coef 1. Config keys as
 * {@link CrossEntropyLoss}.
 */
public final class DistillCrossEntropyLoss implements DistillLoss {
  private final CrossEntropyLoss settings;

  /** Uses the weights, ignore index and top-k fraction of {@code settings}. */
  public DistillCrossEntropyLoss(CrossEntropyLoss settings) {
    this.settings = settings;
  }

  /** PaddleSeg's defaults. */
  public DistillCrossEntropyLoss() {
    this(CrossEntropyLoss.builder().build());
  }

  public static DistillCrossEntropyLoss fromConfig(ConfigMap config) {
    return new DistillCrossEntropyLoss(CrossEntropyLoss.fromConfig(config));
  }

  @Override
  public String name() {
    return "DistillCrossEntropyLoss";
  }

  @Override
  public NDArray evaluate(NDArray student, NDArray teacher, NDArray labelsOrNull) {
    DistillLoss.checkSameShape(name(), student, teacher);
    int numClasses = (int) student.getShape().get(1);
    settings.checkWeightLength(numClasses);
    NDArray q = teacher.softmax(1);
    NDArray pixelLoss = q.mul(student.logSoftmax(1)).sum(new int[] {1}).neg();
    NDArray weights = settings.weightColumn(student.getManager(), student.getDevice());
    if (weights != null) {
      pixelLoss = pixelLoss.mul(q.mul(weights).sum(new int[] {1}));
    }
    NDArray mask;
    NDArray coef = null;
    if (labelsOrNull == null) {
      mask = pixelLoss.onesLike().stopGradient();
    } else {
      NDArray labels64 = SegLabels.normalize(labelsOrNull, student.getShape(), name());
      mask = SegLabels.validMask(labels64, settings.ignoreIndex());
      NDArray index = SegLabels.safeIndex(labels64, mask, numClasses, name());
      coef = settings.classCoef(index, student.getManager());
    }
    return CrossEntropyLoss.reduce(pixelLoss.mul(mask), mask, coef, settings.topKPercentPixels());
  }
}
