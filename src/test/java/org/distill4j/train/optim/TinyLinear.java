package org.distill4j.train.optim;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;

/**
 * A 3-input, 2-output linear layer driven through DJL's Trainer. The loss {@code sum(c * (W x +
 * b))} has gradients {@code dW[i][j] = c[i] x[j]} and {@code db[i] = c[i]}, independent of the
 * weights, so update sequences can be computed by hand.
 */
final class TinyLinear implements AutoCloseable {
  static final double[] W0 = {0.5, -1.0, 2.0, 1.5, 0.25, -0.75};
  static final double[] B0 = {0.3, -0.6};

  final Model model;
  final Linear block;
  final Trainer trainer;

  TinyLinear(Optimizer optimizer) {
    model = Model.newInstance("tiny");
    block = Linear.builder().setUnits(2).build();
    model.setBlock(block);
    trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer));
    trainer.initialize(new Shape(1, 3));
    setParameters(W0, B0);
  }

  void setParameters(double[] w, double[] b) {
    weight().set(toFloat(w));
    bias().set(toFloat(b));
  }

  NDArray weight() {
    return block.getParameters().get("weight").getArray();
  }

  NDArray bias() {
    return block.getParameters().get("bias").getArray();
  }

  /** One forward/backward of {@code sum(c * (W x + b))} and one optimizer step. */
  void step(SegOptimizer optimizer, double lr, double[] x, double[] c) {
    step(optimizer, lr, x, c, false);
  }

  /**
   * @param stepInsideCollector call {@code trainer.step()} while the collector (autograd recording)
   *     is still open
   */
  void step(
      SegOptimizer optimizer, double lr, double[] x, double[] c, boolean stepInsideCollector) {
    if (optimizer != null) {
      optimizer.setLearningRate(lr);
    }
    try (NDManager scope = trainer.getManager().newSubManager()) {
      NDArray input = scope.create(toFloat(x), new Shape(1, 3));
      NDArray coef = scope.create(toFloat(c), new Shape(1, 2));
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDArray out = trainer.forward(new NDList(input)).singletonOrThrow();
        collector.backward(out.mul(coef).sum());
        if (stepInsideCollector) {
          trainer.step();
        }
      }
      if (!stepInsideCollector) {
        trainer.step();
      }
    }
  }

  static float[] toFloat(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
  }
}
