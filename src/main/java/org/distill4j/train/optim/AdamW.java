package org.distill4j.train.optim;

import ai.djl.ndarray.NDArray;

/**
 * Adam with decoupled weight decay, as Paddle's and PyTorch's {@code AdamW}: first {@code w = w -
 * lr * wd * w} on every parameter, then the {@link Adam} step on the raw gradient. Default {@code
 * weight_decay} 0.01.
 */
public final class AdamW extends SegOptimizer {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;

  AdamW(Adam.Builder builder) {
    this.beta1 = builder.beta1;
    this.beta2 = builder.beta2;
    this.epsilon = builder.epsilon;
    this.weightDecay = builder.weightDecay;
  }

  /** A builder with AdamW's defaults; finish with {@link Adam.Builder#buildAdamW()}. */
  public static Adam.Builder builder() {
    return new Adam.Builder(0.01);
  }

  @Override
  public String name() {
    return "AdamW";
  }

  public double weightDecay() {
    return weightDecay;
  }

  @Override
  protected String[] bufferNames() {
    return Adam.BUFFERS.clone();
  }

  @Override
  protected void apply(NDArray weight, NDArray grad, NDArray[] buffers, int t, double lr) {
    if (weightDecay != 0) {
      weight.muli(scalar(1 - lr * weightDecay));
    }
    Adam.adamStep(this, weight, grad, buffers, t, lr, beta1, beta2, epsilon);
  }
}
