package org.distill4j.train.optim;

/**
 * A learning rate as a function of the optimizer steps already taken. {@code step} is 0-based:
 * iteration 1 of a run uses {@code learningRate(0)}, as Paddle's schedulers step once after each
 * optimizer step.
 */
@FunctionalInterface
public interface LearningRateSchedule {

  /** The learning rate for the update that follows {@code step} completed steps. */
  double learningRate(int step);
}
