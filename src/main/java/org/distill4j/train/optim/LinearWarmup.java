package org.distill4j.train.optim;

/**
 * Paddle's {@code LinearWarmup} around another schedule, as PaddleSeg builds it when {@code
 * lr_scheduler} has {@code warmup_iters}: for {@code k < warmupSteps} the rate is {@code startLr +
 * (endLr - startLr) * k / warmupSteps}; from then on it is the wrapped schedule evaluated at {@code
 * k - warmupSteps}, so the wrapped decay starts only after warm-up. PaddleSeg sets {@code endLr} to
 * the base learning rate and shortens the default decay to {@code iters - warmup_iters}.
 */
public final class LinearWarmup implements LearningRateSchedule {
  private final LearningRateSchedule after;
  private final int warmupSteps;
  private final double startLr;
  private final double endLr;

  public LinearWarmup(LearningRateSchedule after, int warmupSteps, double startLr, double endLr) {
    if (warmupSteps <= 0) {
      throw new IllegalArgumentException("warmup steps must be > 0, got " + warmupSteps);
    }
    if (!(endLr > startLr)) {
      throw new IllegalArgumentException(
          "warm-up end rate " + endLr + " must be greater than its start rate " + startLr);
    }
    this.after = after;
    this.warmupSteps = warmupSteps;
    this.startLr = startLr;
    this.endLr = endLr;
  }

  @Override
  public double learningRate(int step) {
    if (step < warmupSteps) {
      return startLr + (endLr - startLr) * step / warmupSteps;
    }
    return after.learningRate(step - warmupSteps);
  }

  public int warmupSteps() {
    return warmupSteps;
  }

  @Override
  public String toString() {
    return "LinearWarmup("
        + warmupSteps
        + " steps from "
        + startLr
        + " to "
        + endLr
        + ", then "
        + after
        + ")";
  }
}
