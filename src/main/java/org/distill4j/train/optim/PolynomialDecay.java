package org.distill4j.train.optim;

/**
 * Paddle's {@code PolynomialDecay}: {@code lr(k) = (lr0 - end) * (1 - k'/d')^power + end}.
 *
 * <p>Without cycle, {@code k' = min(k, decaySteps)} and {@code d' = decaySteps}, so the rate stays
 * at {@code end} after {@code decaySteps}. With cycle, {@code k' = k} and {@code d' = decaySteps *
 * ceil(k / decaySteps)} (1 cycle at {@code k = 0}), so the rate jumps back up at every multiple of
 * {@code decaySteps}.
 */
public final class PolynomialDecay implements LearningRateSchedule {
  private final double learningRate;
  private final double endLr;
  private final double power;
  private final int decaySteps;
  private final boolean cycle;

  /**
   * @param learningRate the initial rate, > 0
   * @param endLr the final rate (PaddleSeg default 0)
   * @param power the exponent, > 0 (PaddleSeg default 0.9)
   * @param decaySteps the length of the decay, > 0 (PaddleSeg default: iters)
   * @param cycle whether the decay restarts after {@code decaySteps}
   */
  public PolynomialDecay(
      double learningRate, double endLr, double power, int decaySteps, boolean cycle) {
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning_rate must be > 0, got " + learningRate);
    }
    if (!(power > 0)) {
      throw new IllegalArgumentException("power must be > 0, got " + power);
    }
    if (decaySteps <= 0) {
      throw new IllegalArgumentException("decay_steps must be > 0, got " + decaySteps);
    }
    if (!(endLr >= 0)) {
      throw new IllegalArgumentException("end_lr must be >= 0, got " + endLr);
    }
    this.learningRate = learningRate;
    this.endLr = endLr;
    this.power = power;
    this.decaySteps = decaySteps;
    this.cycle = cycle;
  }

  /** PaddleSeg's defaults: end 0, power 0.9, no cycle. */
  public PolynomialDecay(double learningRate, int decaySteps) {
    this(learningRate, 0, 0.9, decaySteps, false);
  }

  @Override
  public double learningRate(int step) {
    double k = step;
    double d = decaySteps;
    if (cycle) {
      long cycles = step == 0 ? 1 : (long) Math.ceil(step / (double) decaySteps);
      d = (double) decaySteps * cycles;
    } else {
      k = Math.min(step, decaySteps);
    }
    return (learningRate - endLr) * Math.pow(1 - k / d, power) + endLr;
  }

  public double initialLearningRate() {
    return learningRate;
  }

  public int decaySteps() {
    return decaySteps;
  }

  @Override
  public String toString() {
    return String.format(
        "PolynomialDecay(lr=%s, end_lr=%s, power=%s, decay_steps=%d, cycle=%s)",
        learningRate, endLr, power, decaySteps, cycle);
  }
}
