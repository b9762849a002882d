package org.distill4j.train.optim;

import ai.djl.ndarray.NDArray;

/**
 * Adam as Paddle computes it, with optional L2 weight decay added to the gradient (Paddle's float
 * {@code weight_decay}, PyTorch's {@code Adam(weight_decay)}):
 *
 * <pre>
 * g' = g + wd * w
 * m  = beta1 * m + (1 - beta1) * g'
 * v  = beta2 * v + (1 - beta2) * g'^2
 * w  = w - lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps * sqrt(1 - beta2^t))
 * </pre>
 *
 * <p>which equals the textbook bias-corrected {@code lr * m_hat / (sqrt(v_hat) + eps)}.
 */
public final class Adam extends SegOptimizer {
  static final String[] BUFFERS = {"moment1", "moment2"};
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;

  private Adam(Builder builder) {
    this.beta1 = builder.beta1;
    this.beta2 = builder.beta2;
    this.epsilon = builder.epsilon;
    this.weightDecay = builder.weightDecay;
  }

  public static Builder builder() {
    return new Builder(0);
  }

  @Override
  public String name() {
    return "Adam";
  }

  public double weightDecay() {
    return weightDecay;
  }

  @Override
  protected String[] bufferNames() {
    return BUFFERS.clone();
  }

  @Override
  protected void apply(NDArray weight, NDArray grad, NDArray[] buffers, int t, double lr) {
    if (weightDecay != 0) {
      grad.addi(weight.mul(scalar(weightDecay))); // in place: the update owns the gradient
    }
    adamStep(this, weight, grad, buffers, t, lr, beta1, beta2, epsilon);
  }

  /**
   * The moment updates and the bias-corrected step shared by Adam and AdamW; {@code owner} holds
   * the step's scalars.
   */
  static void adamStep(
      SegOptimizer owner,
      NDArray weight,
      NDArray g,
      NDArray[] buffers,
      int t,
      double lr,
      double beta1,
      double beta2,
      double epsilon) {
    NDArray m = buffers[0];
    NDArray v = buffers[1];
    m.muli(owner.scalar(beta1)).addi(g.mul(owner.scalar(1 - beta1)));
    v.muli(owner.scalar(beta2)).addi(g.square().muli(owner.scalar(1 - beta2)));
    double correction1 = 1 - Math.pow(beta1, t);
    double correction2 = 1 - Math.pow(beta2, t);
    double stepSize = lr * Math.sqrt(correction2) / correction1;
    double eps = epsilon * Math.sqrt(correction2);
    weight.subi(m.div(v.sqrt().addi(owner.scalar(eps))).muli(owner.scalar(stepSize)));
  }

  static double checkWeightDecay(double weightDecay) {
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
    }
    return weightDecay;
  }

  /** Builder for Adam and AdamW; defaults beta1 0.9, beta2 0.999, epsilon 1e-8. */
  public static final class Builder {
    double beta1 = 0.9;
    double beta2 = 0.999;
    double epsilon = 1e-8;
    double weightDecay;

    Builder(double weightDecay) {
      this.weightDecay = weightDecay;
    }

    /** Decay of the first moment, in [0, 1). */
    public Builder optBeta1(double beta1) {
      this.beta1 = checkBeta("beta1", beta1);
      return this;
    }

    /** Decay of the second moment, in [0, 1). */
    public Builder optBeta2(double beta2) {
      this.beta2 = checkBeta("beta2", beta2);
      return this;
    }

    /** Small constant for numerical stability, > 0. */
    public Builder optEpsilon(double epsilon) {
      if (!(epsilon > 0)) {
        throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
      }
      this.epsilon = epsilon;
      return this;
    }

    /** Weight decay, >= 0: L2 on the gradient for Adam, decoupled for AdamW. */
    public Builder optWeightDecay(double weightDecay) {
      this.weightDecay = checkWeightDecay(weightDecay);
      return this;
    }

    private static double checkBeta(String name, double beta) {
      if (!(beta >= 0 && beta < 1)) {
        throw new IllegalArgumentException(name + " must be in [0, 1), got " + beta);
      }
      return beta;
    }

    public Adam build() {
      return new Adam(this);
    }

    public AdamW buildAdamW() {
      return new AdamW(this);
    }
  }
}
