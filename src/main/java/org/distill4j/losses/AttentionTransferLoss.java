package org.distill4j.losses;

import ai.djl.ndarray.NDArray;
import org.distill4j.config.ConfigMap;
import org.distill4j.engine.OwnedArrays;

/**
 * Activation-based attention transfer (Zagoruyko and Komodakis, ICLR 2017), in the form of the
 * authors' code (also torchdistill's default and MMRazor's):
 *
 * <pre>
 * v_{n,i} = (1/C) Σ_c |x_{n,c,i}|^p                 i over the H·W positions
 * a(x)_n  = v_n / max(‖v_n‖₂, 1e-12)                 one unit vector of length H·W per sample
 * loss    = 1/(N·H·W) · Σ_n Σ_i (a(s)_{n,i} − a(t)_{n,i})²  =  mean_n ‖a(s)_n − a(t)_n‖² / (H·W)
 * </pre>
 *
 * <p>Averaging or summing over channels gives the same unit vector, so student and teacher may have
 * different channel counts (e.g. a ResNet-50 stage with 4× the channels of the ResNet-18 one);
 * batch size and spatial size (H, W) must match. The paper writes the distance unsquared with a
 * factor β/2; the authors' code squares and averages it as above and uses β/2 = 500, which belongs
 * in the loss weight here. The labels are ignored.
 *
 * <p>Config key: {@code p} (default 2; finite, {@code >= 1} so that the gradient at 0 is finite).
 */
public final class AttentionTransferLoss implements DistillLoss {
  private final double p;

  /**
   * @param p the exponent of the activations, finite and {@code >= 1}
   */
  public AttentionTransferLoss(double p) {
    if (!(p >= 1) || Double.isInfinite(p)) {
      throw new IllegalArgumentException("p must be a finite number >= 1, got " + p);
    }
    this.p = p;
  }

  /** p = 2. */
  public AttentionTransferLoss() {
    this(2.0);
  }

  /** Builds from {@code {type: AttentionTransferLoss, p: 2}}. */
  public static AttentionTransferLoss fromConfig(ConfigMap config) {
    config.requireKnownKeys("p");
    double p = config.optDouble("p", 2.0);
    if (!(p >= 1) || Double.isInfinite(p)) {
      throw config.error("p", "must be a finite number >= 1, got " + p);
    }
    return new AttentionTransferLoss(p);
  }

  @Override
  public String name() {
    return "AttentionTransferLoss";
  }

  public double p() {
    return p;
  }

  /** {@inheritDoc} The labels are ignored; channel counts may differ. */
  @Override
  public NDArray evaluate(NDArray student, NDArray teacher, NDArray labelsOrNull) {
    FeatureMaps.checkSameBatchAndSize(name(), student, teacher);
    return attention(student).sub(attention(teacher)).square().mean();
  }

  /** The unit attention vector of each sample, {@code (N, H·W)}. */
  NDArray attention(NDArray x) {
    NDArray powered = p == 2.0 ? x.square() : OwnedArrays.pow(x.abs(), p);
    NDArray map = powered.mean(new int[] {1}).reshape(x.getShape().get(0), -1);
    return FeatureMaps.l2Normalize(map, 1);
  }
}
