package org.distill4j.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.config.ConfigException;
import org.distill4j.errors.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegOptimizerTest {
  private static final double[] LR = {0.1, 0.05, 0.02};
  private static final double[][] X = {{1, 2, -1}, {0.5, -1, 3}, {-2, 1, 1}};
  private static final double[][] C = {{1, -0.5}, {0.3, 2}, {-1, 1.5}};
  private static final double MU = 0.9;
  private static final double WD = 0.1;

  /** Flat (weight ++ bias) gradient of step s: dW[i][j] = c[i] x[j], db[i] = c[i]. */
  private static double[] gradient(int s) {
    double[] g = new double[8];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        g[i * 3 + j] = C[s][i] * X[s][j];
      }
      g[6 + i] = C[s][i];
    }
    return g;
  }

  private static double[] initial() {
    double[] p = new double[8];
    System.arraycopy(TinyLinear.W0, 0, p, 0, 6);
    System.arraycopy(TinyLinear.B0, 0, p, 6, 2);
    return p;
  }

  /** Paddle/PyTorch momentum: v = mu v + g + wd w; w -= lr v. */
  private static double[] paddleMomentum(int steps) {
    double[] w = initial();
    double[] v = new double[8];
    for (int s = 0; s < steps; s++) {
      double[] g = gradient(s);
      for (int i = 0; i < 8; i++) {
        v[i] = MU * v[i] + g[i] + WD * w[i];
        w[i] -= LR[s] * v[i];
      }
    }
    return w;
  }

  /** DJL's built-in Sgd: v = mu v + lr (g + wd w); w -= v. */
  private static double[] djlSgd(int steps) {
    double[] w = initial();
    double[] v = new double[8];
    for (int s = 0; s < steps; s++) {
      double[] g = gradient(s);
      for (int i = 0; i < 8; i++) {
        v[i] = MU * v[i] + LR[s] * (g[i] + WD * w[i]);
        w[i] -= v[i];
      }
    }
    return w;
  }

  private static double[] parameters(TinyLinear net) {
    double[] p = new double[8];
    float[] w = net.weight().toFloatArray();
    float[] b = net.bias().toFloatArray();
    for (int i = 0; i < 6; i++) {
      p[i] = w[i];
    }
    p[6] = b[0];
    p[7] = b[1];
    return p;
  }

  private static Momentum momentum() {
    return Momentum.builder().optMomentum(MU).optWeightDecay(WD).build();
  }

  @Test
  void momentumFollowsPaddleSemanticsUnderChangingLr() {
    try (Momentum opt = momentum();
        TinyLinear net = new TinyLinear(opt)) {
      for (int s = 0; s < 3; s++) {
        net.step(opt, LR[s], X[s], C[s]);
        assertArrayEquals(paddleMomentum(s + 1), parameters(net), 1e-5, "after step " + (s + 1));
        assertEquals(s + 1, opt.stepCount());
      }
      double[] ours = parameters(net);
      double[] djl = djlSgd(3);
      double maxDiff = 0;
      for (int i = 0; i < 8; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(ours[i] - djl[i]));
      }
      assertTrue(maxDiff > 1e-2, "should differ from DJL's Sgd semantics, max diff " + maxDiff);
      assertArrayEquals(new float[6], net.weight().getGradient().toFloatArray(), "grad zeroed");
    }
  }

  @Test
  void djlBuiltInSgdReallyUsesTheOtherSemantics() {
    Optimizer sgd =
        Optimizer.sgd()
            .setLearningRateTracker((id, update) -> (float) LR[update - 1])
            .optMomentum((float) MU)
            .optWeightDecays((float) WD)
            .build();
    try (TinyLinear net = new TinyLinear(sgd)) {
      for (int s = 0; s < 3; s++) {
        net.step(null, LR[s], X[s], C[s]);
      }
      assertArrayEquals(djlSgd(3), parameters(net), 1e-5);
    }
  }

  @Test
  void stepInsideAnOpenCollectorGivesTheSameUpdate() {
    try (Momentum opt = momentum();
        TinyLinear net = new TinyLinear(opt)) {
      for (int s = 0; s < 2; s++) {
        net.step(opt, LR[s], X[s], C[s], true);
      }
      assertArrayEquals(paddleMomentum(2), parameters(net), 1e-5);
    }
  }

  @Test
  void weightDecayAppliesToBiasesWithoutGradient() {
    try (Momentum opt = momentum();
        TinyLinear net = new TinyLinear(opt)) {
      // c = (1, 0): the second output row and bias get zero gradient and only decay.
      net.step(opt, 0.5, new double[] {1, 1, 1}, new double[] {1, 0});
      float[] b = net.bias().toFloatArray();
      assertEquals(TinyLinear.B0[1] * (1 - 0.5 * WD), b[1], 1e-6);
      float[] w = net.weight().toFloatArray();
      assertEquals(TinyLinear.W0[4] * (1 - 0.5 * WD), w[4], 1e-6);
    }
  }

  @Test
  void memoryStaysFlatAcrossSteps() {
    try (Momentum opt = momentum();
        TinyLinear net = new TinyLinear(opt)) {
      net.step(opt, 0.1, X[0], C[0]);
      int stateArrays = opt.liveStateArrays();
      int modelArrays = net.model.getNDManager().getManagedArrays().size();
      assertEquals(2, stateArrays, "one velocity per parameter");
      for (int s = 0; s < 5; s++) {
        net.step(opt, 0.1, X[s % 3], C[s % 3]);
        assertEquals(stateArrays, opt.liveStateArrays());
        assertEquals(modelArrays, net.model.getNDManager().getManagedArrays().size());
      }
    }
  }

  @Test
  void missingLearningRateIsReported() {
    try (Momentum opt = momentum();
        NDManager manager = NDManager.newBaseManager()) {
      NDArray w = manager.ones(new ai.djl.ndarray.types.Shape(2));
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> opt.update("w", w, w.duplicate()));
      assertTrue(e.getMessage().contains("setLearningRate"));
    }
  }

  @Test
  void savedStateResumesIdentically(@TempDir Path dir) throws Exception {
    double[] uninterrupted;
    try (Momentum opt = momentum();
        TinyLinear net = new TinyLinear(opt)) {
      for (int s = 0; s < 3; s++) {
        net.step(opt, LR[s], X[s], C[s]);
      }
      uninterrupted = parameters(net);
    }
    Path file = dir.resolve("ckpt/model.pdopt");
    double[] weightsAfterTwo;
    try (Momentum opt = momentum();
        TinyLinear net = new TinyLinear(opt)) {
      net.step(opt, LR[0], X[0], C[0]);
      net.step(opt, LR[1], X[1], C[1]);
      // Same model, fresh optimizer, keyed by parameter id.
      opt.saveState(file);
      try (Momentum fresh = momentum()) {
        fresh.loadState(file);
        assertEquals(2, fresh.stepCount());
      }
      opt.nameParameters(net.block);
      opt.saveState(file);
      weightsAfterTwo = parameters(net);
    }
    assertTrue(Files.exists(file));
    try (Momentum resumed = momentum();
        TinyLinear net = new TinyLinear(resumed)) {
      // A new process: new parameter ids, so the state is matched by parameter name.
      net.setParameters(
          java.util.Arrays.copyOfRange(weightsAfterTwo, 0, 6),
          java.util.Arrays.copyOfRange(weightsAfterTwo, 6, 8));
      resumed.nameParameters(net.block);
      resumed.loadState(file);
      assertEquals(2, resumed.stepCount());
      net.step(resumed, LR[2], X[2], C[2]);
      assertArrayEquals(uninterrupted, parameters(net), 1e-7);
      assertEquals(3, resumed.stepCount());
    }
  }

  @Test
  void restoredStateOwnsItsMemoryAfterTheFileBuffersAreCollected(@TempDir Path dir)
      throws Exception {
    double[][] x = {X[0], X[1], X[2], X[0], X[1]};
    double[][] c = {C[0], C[1], C[2], C[1], C[0]};
    double[] lr = {LR[0], LR[1], LR[2], LR[2], LR[1]};
    double[] uninterrupted;
    try (Momentum opt = momentum();
        TinyLinear net = new TinyLinear(opt)) {
      for (int s = 0; s < 5; s++) {
        net.step(opt, lr[s], x[s], c[s]);
      }
      uninterrupted = parameters(net);
    }
    Path file = dir.resolve("opt.state");
    double[] weightsAfterTwo;
    try (Momentum opt = momentum();
        TinyLinear net = new TinyLinear(opt)) {
      opt.nameParameters(net.block);
      net.step(opt, lr[0], x[0], c[0]);
      net.step(opt, lr[1], x[1], c[1]);
      opt.saveState(file);
      weightsAfterTwo = parameters(net);
    }
    try (Momentum resumed = momentum();
        TinyLinear net = new TinyLinear(resumed)) {
      net.setParameters(
          java.util.Arrays.copyOfRange(weightsAfterTwo, 0, 6),
          java.util.Arrays.copyOfRange(weightsAfterTwo, 6, 8));
      resumed.nameParameters(net.block);
      resumed.loadState(file);
      net.step(resumed, lr[2], x[2], c[2]);
      // The arrays read from the file live in Java-owned buffers; once those are collected and
      // their memory handed out again, velocity that merely aliased them would be garbage.
      for (int round = 0; round < 5; round++) {
        System.gc();
        Thread.sleep(20);
        java.util.List<java.nio.ByteBuffer> churn = new java.util.ArrayList<>();
        for (int i = 0; i < 2000; i++) {
          java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(8 + (i % 8) * 8);
          while (b.hasRemaining()) {
            b.put((byte) 0x7f);
          }
          churn.add(b);
        }
      }
      net.step(resumed, lr[3], x[3], c[3]);
      net.step(resumed, lr[4], x[4], c[4]);
      assertArrayEquals(uninterrupted, parameters(net), 1e-6);
    }
  }

  @Test
  void loadingRejectsOtherTypesAndMissingFiles(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("adam.state");
    try (Adam adam = Adam.builder().build();
        TinyLinear net = new TinyLinear(adam)) {
      net.step(adam, 0.1, X[0], C[0]);
      adam.saveState(file);
    }
    try (Momentum opt = momentum()) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> opt.loadState(file));
      assertTrue(e.getMessage().contains("saved by Adam"), e.getMessage());
      ConfigException missing =
          assertThrows(ConfigException.class, () -> opt.loadState(dir.resolve("none")));
      assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
    }
  }
}
