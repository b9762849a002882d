package org.distill4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.distill4j.config.ConfigMap;
import org.distill4j.engine.OwnedArrays;

/**
 * Channel-wise distillation (CWD, Shu et al., ICCV 2021): each channel of a map is turned into a
 * distribution over its H·W positions, and the student's distribution is pulled towards the
 * teacher's.
 *
 * <pre>
 * φ(x)_{n,c,i} = exp(x_{n,c,i} / τ) / Σ_j exp(x_{n,c,j} / τ)        i, j over the H·W positions
 * loss = τ² / (N·C) · Σ_n Σ_c Σ_i φ(t)_{n,c,i} · (log φ(t)_{n,c,i} − log φ(s)_{n,c,i})
 * </pre>
 *
 * <p>That is KL(teacher ‖ student) summed over space, averaged over batch and channels and scaled
 * by τ² — the paper's and its official code's normalisation. Student and teacher must have the same
 * shape {@code (N, C, H, W)}; the labels are ignored.
 *
 * <p>This is <b>not</b> what PaddleSlim's class of the same name computes (softmax over W only,
 * mean over all elements, no τ): that variant is {@link PaddleSlimChannelwiseLoss}. A PaddleSeg
 * config naming {@code SegChannelwiseLoss} therefore gets the paper's loss here.
 *
 * <p>Config key: {@code tau} (default 1.0, finite and {@code > 0}). The paper's Cityscapes logits
 * run used τ = 4 with loss weight 3; MMRazor's configs use τ = 1.
 */
public final class SegChannelwiseLoss implements DistillLoss {
  private final double tau;

  /**
   * @param tau the temperature τ, finite and {@code > 0}
   */
  public SegChannelwiseLoss(double tau) {
    this.tau = FeatureMaps.checkPositive("tau", tau);
  }

  /** τ = 1. */
  public SegChannelwiseLoss() {
    this(1.0);
  }

  /** Builds from {@code {type: SegChannelwiseLoss, tau: 4}}. */
  public static SegChannelwiseLoss fromConfig(ConfigMap config) {
    config.requireKnownKeys("tau");
    return new SegChannelwiseLoss(FeatureMaps.positive(config, "tau", 1.0));
  }

  @Override
  public String name() {
    return "SegChannelwiseLoss";
  }

  public double tau() {
    return tau;
  }

  /** {@inheritDoc} The labels are ignored. */
  @Override
  public NDArray evaluate(NDArray student, NDArray teacher, NDArray labelsOrNull) {
    DistillLoss.checkSameShape(name(), student, teacher);
    Shape shape = student.getShape();
    long n = shape.get(0);
    long c = shape.get(1);
    float t = (float) tau;
    NDArray logP = OwnedArrays.div(student.reshape(n, c, -1), t).logSoftmax(2);
    // log φ(t) from log_softmax: no log(0) where φ(t) underflows.
    NDArray logQ = OwnedArrays.div(teacher.reshape(n, c, -1), t).logSoftmax(2);
    return OwnedArrays.mul(logQ.exp().mul(logQ.sub(logP)).sum(), tau * tau / (n * c));
  }
}
