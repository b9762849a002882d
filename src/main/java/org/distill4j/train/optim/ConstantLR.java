package org.distill4j.train.optim;

/** A fixed learning rate (a distill4j convenience; PaddleSeg has no such type). */
public final class ConstantLR implements LearningRateSchedule {
  private final double learningRate;

  public ConstantLR(double learningRate) {
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
    }
    this.learningRate = learningRate;
  }

  @Override
  public double learningRate(int step) {
    return learningRate;
  }

  @Override
  public String toString() {
    return "ConstantLR(" + learningRate + ")";
  }
}
