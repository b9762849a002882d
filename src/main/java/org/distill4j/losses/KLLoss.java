package org.distill4j.losses;

import ai.djl.ndarray.NDArray;
import org.distill4j.config.ConfigMap;
import org.distill4j.engine.OwnedArrays;

/**
 * PaddleSeg's {@code KLLoss}: pixel-wise KL divergence of the teacher's softened class distribution
 * from the student's,
 *
 * <pre>
 * log_p = log_softmax(s / T), q = softmax(t / T)    (over channels)
 * e     = q * (log q - log_p) * T^2                  (elementwise, N x C x H x W)
 * loss  = mean(e * m) / (mean(m) + 1e-8)            with a label: m = (label != ignore), N x 1 x H x W
 * loss  = mean(e)                                   without a label
 * </pre>
 *
 * <p>The first mean runs over N·C·H·W elements and the second over N·H·W pixels, so the masked loss
 * is the per-pixel KL summed over classes, averaged over counted pixels and divided by C — as in
 * PaddleSeg. Config keys: {@code temperature} (1), {@code ignore_index} (255).
 */
public final class KLLoss implements DistillLoss {
  private final double temperature;
  private final int ignoreIndex;

  public KLLoss(double temperature, int ignoreIndex) {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
    }
    this.temperature = temperature;
    this.ignoreIndex = ignoreIndex;
  }

  /** PaddleSeg's defaults: temperature 1, ignore index 255. */
  public KLLoss() {
    this(1, 255);
  }

  public static KLLoss fromConfig(ConfigMap config) {
    config.requireKnownKeys("temperature", "ignore_index");
    double temperature = config.optDouble("temperature", 1);
    if (!(temperature > 0)) {
      throw config.error("temperature", "must be > 0, got " + temperature);
    }
    return new KLLoss(temperature, config.optInt("ignore_index", 255));
  }

  @Override
  public String name() {
    return "KLLoss";
  }

  public double temperature() {
    return temperature;
  }

  @Override
  public NDArray evaluate(NDArray student, NDArray teacher, NDArray labelsOrNull) {
    DistillLoss.checkSameShape(name(), student, teacher);
    float t = (float) temperature;
    NDArray logP = OwnedArrays.div(student, t).logSoftmax(1);
    // log q from log_softmax rather than log(softmax): no log(0) where q underflows.
    NDArray logQ = OwnedArrays.div(teacher, t).logSoftmax(1);
    NDArray elementwise = OwnedArrays.mul(logQ.exp().mul(logQ.sub(logP)), t * t);
    if (labelsOrNull == null) {
      return elementwise.mean();
    }
    NDArray labels64 = SegLabels.normalize(labelsOrNull, student.getShape(), name());
    NDArray mask = SegLabels.validMask(labels64, ignoreIndex);
    return elementwise.mul(mask.expandDims(1)).mean().div(mask.mean().add(CrossEntropyLoss.EPS));
  }
}
