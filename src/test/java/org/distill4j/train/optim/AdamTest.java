package org.distill4j.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class AdamTest {
  private static final double[] W0 = {0.5, -1.5, 2.0};
  private static final double[][] G = {{0.1, -0.2, 0.3}, {-0.5, 0.4, 0.0}, {1.0, 1.0, -2.0}};
  private static final double[] LR = {0.1, 0.05, 0.02};
  private static final double B1 = 0.8;
  private static final double B2 = 0.99;
  private static final double EPS = 1e-3;

  /** Textbook bias-corrected Adam with L2 (decoupled = false) or decoupled decay. */
  private static double[] reference(double wd, boolean decoupled) {
    double[] w = W0.clone();
    double[] m = new double[3];
    double[] v = new double[3];
    for (int t = 1; t <= 3; t++) {
      double lr = LR[t - 1];
      for (int i = 0; i < 3; i++) {
        double g = G[t - 1][i];
        if (decoupled) {
          w[i] -= lr * wd * w[i];
        } else {
          g += wd * w[i];
        }
        m[i] = B1 * m[i] + (1 - B1) * g;
        v[i] = B2 * v[i] + (1 - B2) * g * g;
        double mHat = m[i] / (1 - Math.pow(B1, t));
        double vHat = v[i] / (1 - Math.pow(B2, t));
        w[i] -= lr * mHat / (Math.sqrt(vHat) + EPS);
      }
    }
    return w;
  }

  private static double[] run(SegOptimizer opt) {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray w = manager.create(TinyLinear.toFloat(W0), new Shape(3));
      for (int t = 0; t < 3; t++) {
        opt.setLearningRate(LR[t]);
        opt.update("w", w, manager.create(TinyLinear.toFloat(G[t]), new Shape(3)));
      }
      float[] out = w.toFloatArray();
      double[] result = new double[3];
      for (int i = 0; i < 3; i++) {
        result[i] = out[i];
      }
      return result;
    }
  }

  @Test
  void adamWithL2DecayMatchesHandComputedSteps() {
    try (Adam adam =
        Adam.builder().optBeta1(B1).optBeta2(B2).optEpsilon(EPS).optWeightDecay(0.2).build()) {
      assertArrayEquals(reference(0.2, false), run(adam), 1e-5);
    }
  }

  @Test
  void adamWDecaysDecoupled() {
    try (AdamW adamw =
        AdamW.builder()
            .optBeta1(B1)
            .optBeta2(B2)
            .optEpsilon(EPS)
            .optWeightDecay(0.2)
            .buildAdamW()) {
      double[] expected = reference(0.2, true);
      assertArrayEquals(expected, run(adamw), 1e-5);
      double[] l2 = reference(0.2, false);
      // The two decays give different trajectories.
      double maxDiff = 0;
      for (int i = 0; i < 3; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(expected[i] - l2[i]));
      }
      org.junit.jupiter.api.Assertions.assertTrue(maxDiff > 1e-3, "max diff " + maxDiff);
    }
  }
}
