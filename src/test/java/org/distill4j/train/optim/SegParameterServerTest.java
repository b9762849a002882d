package org.distill4j.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The parameter server hands gradients to the optimizer and leaves every copy equal. */
class SegParameterServerTest {
  private static final float[] W = {1f, 2f, 3f};
  private static final float[] C0 = {0.5f, -1f, 2f};
  private static final float[] C1 = {0.25f, 4f, -1f};

  private static NDArray weight(NDManager m) {
    NDArray w = m.create(W.clone());
    w.setRequiresGradient(true);
    return w;
  }

  /** Gives {@code weights[k]} the gradient {@code cs[k]} (from sum(w_k * c_k)). */
  private static void backward(NDManager m, NDArray[] weights, float[]... cs) {
    try (NDManager step = m.newSubManager();
        GradientCollector collector = m.getEngine().newGradientCollector()) {
      NDArray total = null;
      for (int k = 0; k < weights.length; k++) {
        NDArray term = weights[k].mul(step.create(cs[k])).sum();
        total = total == null ? term : total.add(term);
      }
      collector.backward(total);
    }
  }

  private static float[] expected(float lr, float scale, float[]... gradients) {
    float[] out = W.clone();
    for (float[] g : gradients) {
      for (int i = 0; i < out.length; i++) {
        out[i] -= lr * scale * g[i];
      }
    }
    return out;
  }

  @Test
  void oneCopyTakesMomentumStepsWithItsOwnGradient() {
    try (NDManager m = NDManager.newBaseManager();
        Momentum sgd = Momentum.builder().optMomentum(0.9).build();
        SegParameterServer server = new SegParameterServer(sgd)) {
      sgd.setLearningRate(0.1);
      NDArray w = weight(m);
      backward(m, new NDArray[] {w}, C0);
      server.update("w", new NDArray[] {w});
      assertArrayEquals(expected(0.1f, 1f, C0), w.toFloatArray(), 1e-6f);
      assertArrayEquals(new float[3], w.getGradient().toFloatArray(), "gradient zeroed");
      // Second step: v = 0.9 g + g.
      backward(m, new NDArray[] {w}, C0);
      server.update("w", new NDArray[] {w});
      assertArrayEquals(expected(0.1f, 2.9f, C0), w.toFloatArray(), 1e-6f);
    }
  }

  @Test
  void everyCopyTakesTheStepOfTheSummedGradient() {
    try (NDManager m = NDManager.newBaseManager();
        Momentum sgd = Momentum.builder().optMomentum(0).build();
        SegParameterServer server = new SegParameterServer(sgd)) {
      sgd.setLearningRate(0.5);
      NDArray[] copies = {weight(m), weight(m)};
      backward(m, copies, C0, C1);
      server.update("w", copies);
      float[] both = expected(0.5f, 1f, C0, C1);
      for (NDArray copy : copies) {
        assertArrayEquals(both, copy.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[3], copy.getGradient().toFloatArray(), "gradient zeroed");
      }
    }
  }

  /**
   * The optimizer adds weight decay into the gradient it is handed; every copy still takes the step
   * of the summed gradient, because each copy's update gets a gradient of its own.
   */
  @Test
  void weightDecayInPlaceLeavesEveryCopyTheSameStep() {
    try (NDManager m = NDManager.newBaseManager();
        Momentum sgd = Momentum.builder().optMomentum(0).optWeightDecay(0.1).build();
        SegParameterServer server = new SegParameterServer(sgd)) {
      sgd.setLearningRate(0.5);
      NDArray[] copies = {weight(m), weight(m)};
      backward(m, copies, C0, C1);
      server.update("w", copies);
      float[] step = new float[3];
      for (int i = 0; i < 3; i++) {
        step[i] = W[i] - 0.5f * (C0[i] + C1[i] + 0.1f * W[i]);
      }
      for (NDArray copy : copies) {
        assertArrayEquals(step, copy.toFloatArray(), 1e-6f);
      }
    }
  }
}
