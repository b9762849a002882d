package org.distill4j.train.optim;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.engine.ScriptedOps;

/**
 * SGD with momentum as Paddle's {@code Momentum} and PyTorch's {@code SGD} compute it (not DJL's
 * {@code Sgd}, which folds the learning rate into the velocity): with L2 weight decay {@code wd}
 * applied to every parameter, biases and BatchNorm included,
 *
 * <pre>
 * g' = g + wd * w
 * v  = momentum * v + g'
 * w  = w - lr * v
 * </pre>
 *
 * <p>Plain (non-Nesterov) momentum; {@code momentum = 0} is plain SGD. PaddleSeg's {@code type:
 * sgd} builds this with momentum 0.9.
 */
public final class Momentum extends SegOptimizer {
  private static final String[] BUFFERS = {"velocity"};
  private final double momentum;
  private final double weightDecay;

  private Momentum(Builder builder) {
    this.momentum = builder.momentum;
    this.weightDecay = builder.weightDecay;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "Momentum";
  }

  public double momentum() {
    return momentum;
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
    // The decay is added into the gradient itself (the update owns it): one temporary of the
    // parameter's size fewer than grad.add(...), a quarter of the update's time on a ResNet50.
    if (weightDecay != 0) {
      grad.addi(weight.mul(scalar(weightDecay)));
    }
    if (momentum == 0) {
      // Plain SGD keeps no velocity (as libtorch's fused kernel, which leaves it at zero).
      weight.subi(grad.mul(scalar(lr)));
      return;
    }
    NDArray velocity = buffers[0];
    velocity.muli(scalar(momentum)).addi(grad);
    weight.subi(velocity.mul(scalar(lr)));
  }

  /**
   * One call for all parameters ({@link ScriptedOps#momentum}): libtorch's fused SGD kernel, the
   * same arithmetic up to the last bit of rounding (a fused multiply-add where this method rounds
   * twice), or where libtorch lacks it, multi-tensor operations bit for bit this method's.
   */
  @Override
  protected boolean appliesToGroups() {
    return ScriptedOps.get() != null;
  }

  @Override
  protected void applyGroup(
      List<NDArray> weights, List<NDArray> grads, List<NDArray[]> buffers, double lr) {
    List<NDArray> velocities = new ArrayList<>(buffers.size());
    for (NDArray[] b : buffers) {
      velocities.add(b[0]);
    }
    ScriptedOps.get().momentum(weights, grads, velocities, lr, momentum, weightDecay);
  }

  /** Builder; defaults momentum 0.9, weight decay 0. */
  public static final class Builder {
    private double momentum = 0.9;
    private double weightDecay;

    private Builder() {}

    /** Momentum in [0, 1). */
    public Builder optMomentum(double momentum) {
      if (!(momentum >= 0 && momentum < 1)) {
        throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
      }
      this.momentum = momentum;
      return this;
    }

    /** L2 weight decay coefficient, >= 0, applied to every parameter. */
    public Builder optWeightDecay(double weightDecay) {
      this.weightDecay = Adam.checkWeightDecay(weightDecay);
      return this;
    }

    public Momentum build() {
      return new Momentum(this);
    }
  }
}
