package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import org.distill4j.train.optim.Momentum;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Trainable parameters are read as per-step leaves over the parameter's memory; each update uses
 * exactly that step's gradient.
 */
class StepParameterStoreTest {
  private static final float[] W = {1f, 2f, 3f};
  private static final float[] C = {0.5f, -1f, 2f};

  private NDManager manager;
  private Momentum sgd;
  private StepParameterStore store;
  private Parameter weight;
  private Parameter stats;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    sgd = Momentum.builder().optMomentum(0.9).build();
    sgd.setLearningRate(0.1);
    store = new StepParameterStore(manager, sgd, new Device[] {manager.getDevice()});
    NDArray w = manager.create(W.clone());
    w.setRequiresGradient(true);
    weight = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optArray(w).build();
    stats =
        Parameter.builder()
            .setName("runningMean")
            .setType(Parameter.Type.RUNNING_MEAN)
            .optRequiresGrad(false)
            .optArray(manager.create(new float[] {0f, 0f, 0f}))
            .build();
  }

  @AfterEach
  void tearDown() {
    sgd.close();
    manager.close();
  }

  /** One step: the loss sum(w * C) read {@code reads} times through the store, then the update. */
  private void step(int reads) {
    try (NDManager step = manager.newSubManager();
        GradientCollector collector = manager.getEngine().newGradientCollector()) {
      NDArray total = null;
      for (int r = 0; r < reads; r++) {
        NDArray w = store.getValue(weight, manager.getDevice(), true);
        NDArray term = w.mul(step.create(C)).sum();
        total = total == null ? term : total.add(term);
      }
      collector.backward(total);
    }
    store.updateAllParameters();
  }

  private static float[] minus(float lr, float scale) {
    float[] out = W.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] -= lr * scale * C[i];
    }
    return out;
  }

  @Test
  void trainingReadIsALeafOverTheParametersMemory() {
    NDArray stored = weight.getArray();
    NDArray leaf = store.getValue(weight, manager.getDevice(), true);
    assertNotSame(stored, leaf);
    assertSame(leaf, store.getValue(weight, manager.getDevice(), true), "one leaf per step");
    stored.addi(manager.create(new float[] {10f, 10f, 10f}));
    assertArrayEquals(new float[] {11f, 12f, 13f}, leaf.toFloatArray(), "shares memory");
    store.discardStep();
  }

  @Test
  void inferenceAndStatisticsReadTheStoredArray() {
    assertSame(weight.getArray(), store.getValue(weight, manager.getDevice(), false));
    assertSame(stats.getArray(), store.getValue(stats, manager.getDevice(), true));
  }

  @Test
  void eachUpdateUsesOnlyItsOwnStepsGradient() {
    step(1);
    assertArrayEquals(minus(0.1f, 1f), weight.getArray().toFloatArray(), 1e-6f);
    // Had step 1's gradient stayed with the parameter, step 2 would see 2C and move 3.9 C.
    step(1);
    assertArrayEquals(minus(0.1f, 2.9f), weight.getArray().toFloatArray(), 1e-6f);
  }

  @Test
  void readsWithinAStepAddTheirGradients() {
    step(2);
    assertArrayEquals(minus(0.1f, 2f), weight.getArray().toFloatArray(), 1e-6f);
  }

  @Test
  void discardedStepChangesNothing() {
    try (NDManager step = manager.newSubManager();
        GradientCollector collector = manager.getEngine().newGradientCollector()) {
      NDArray w = store.getValue(weight, manager.getDevice(), true);
      collector.backward(w.mul(step.create(C)).sum());
    }
    store.discardStep();
    store.updateAllParameters();
    assertArrayEquals(W, weight.getArray().toFloatArray());
    step(1);
    assertArrayEquals(minus(0.1f, 1f), weight.getArray().toFloatArray(), 1e-6f);
  }

  @Test
  void parameterNotReadInAStepIsNotUpdated() {
    step(1);
    float[] afterFirst = weight.getArray().toFloatArray();
    // With a zero gradient, momentum alone would still move it by 0.9 * 0.1 * C.
    store.updateAllParameters();
    assertArrayEquals(afterFirst, weight.getArray().toFloatArray());
  }
}
