package org.distill4j.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.engine.ScriptedOps;
import org.distill4j.testing.FloatArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SegOptimizer#updateAll} and {@link SegParameterServer#updateAll}: the same weights and
 * step count as updating parameter by parameter, with one or several copies (up to the last bits of
 * rounding for Momentum, whose grouped form is libtorch's fused kernel; bit for bit for an
 * optimizer without a grouped form).
 */
class GroupedUpdateTest {
  private static final long[][] SHAPES = {{5}, {3, 4}, {ScriptedOps.GROUP_ELEMENTS + 1}, {8}};
  private static final List<String> IDS = List.of("a", "b", "c", "d");

  /** Parameters, and per step and copy a gradient for each, from one seed. */
  private static List<NDArray> arrays(NDManager m, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    List<NDArray> out = new ArrayList<>();
    for (long[] s : SHAPES) {
      out.add(m.randomNormal(new Shape(s)));
    }
    return out;
  }

  private static NDArray[] copy(List<NDArray> list) {
    return list.stream().map(NDArray::duplicate).toArray(NDArray[]::new);
  }

  /** Rounding allowed between the fused kernel and the per-parameter arithmetic over 3 steps. */
  private static final int ULPS = 16;

  @ParameterizedTest
  @ValueSource(doubles = {0.9, 0})
  void momentumGroupedEqualsPerParameter(double momentum, @TempDir Path dir) throws Exception {
    // A weight decay large enough that its term moves the weights by far more than rounding.
    try (NDManager m = NDManager.newBaseManager();
        Momentum grouped = Momentum.builder().optMomentum(momentum).optWeightDecay(0.05).build();
        Momentum single = Momentum.builder().optMomentum(momentum).optWeightDecay(0.05).build()) {
      assertTrue(grouped.appliesToGroups(), "the scripted kernel is used here");
      List<NDArray> w1 = arrays(m, 1);
      NDArray[] w2 = copy(w1);
      double[] lrs = {0.01, 0.008, 0.0051};
      for (int step = 0; step < lrs.length; step++) {
        List<NDArray> g1 = arrays(m, 100 + step);
        NDArray[] g2 = copy(g1);
        grouped.setLearningRate(lrs[step]);
        single.setLearningRate(lrs[step]);
        grouped.updateAll(IDS, w1, g1);
        for (int i = 0; i < IDS.size(); i++) {
          single.update(IDS.get(i), w2[i], g2[i]);
        }
      }
      for (int i = 0; i < IDS.size(); i++) {
        FloatArrays.assertWithinUlps(
            w2[i].toFloatArray(), w1.get(i).toFloatArray(), ULPS, IDS.get(i));
      }
      assertEquals(single.stepCount(), grouped.stepCount());
      assertEquals(3, grouped.stepCount());
      grouped.saveState(dir.resolve("grouped.state"));
      single.saveState(dir.resolve("single.state"));
      byte[] singleState = Files.readAllBytes(dir.resolve("single.state"));
      byte[] groupedState = Files.readAllBytes(dir.resolve("grouped.state"));
      if (momentum == 0) {
        // No velocity is kept (both stay zero), so the states are the same to the byte.
        assertArrayEquals(singleState, groupedState);
      } else {
        assertEquals(singleState.length, groupedState.length, "the same state arrays");
      }
    }
  }

  @Test
  void anOptimizerWithoutAGroupedFormUpdatesParameterByParameter() {
    try (NDManager m = NDManager.newBaseManager();
        Adam grouped = Adam.builder().build();
        Adam single = Adam.builder().build()) {
      assertTrue(!grouped.appliesToGroups());
      List<NDArray> w1 = arrays(m, 2);
      NDArray[] w2 = copy(w1);
      List<NDArray> g1 = arrays(m, 3);
      NDArray[] g2 = copy(g1);
      grouped.setLearningRate(0.001);
      single.setLearningRate(0.001);
      grouped.updateAll(IDS, w1, g1);
      for (int i = 0; i < IDS.size(); i++) {
        single.update(IDS.get(i), w2[i], g2[i]);
      }
      for (int i = 0; i < IDS.size(); i++) {
        assertArrayEquals(w2[i].toFloatArray(), w1.get(i).toFloatArray(), IDS.get(i));
      }
    }
  }

  @Test
  void theServerGivesEveryCopyTheStepOfTheSummedGradientAsPerParameter() {
    try (NDManager m = NDManager.newBaseManager();
        Momentum grouped = Momentum.builder().optMomentum(0.9).optWeightDecay(0.05).build();
        Momentum single = Momentum.builder().optMomentum(0.9).optWeightDecay(0.05).build();
        SegParameterServer groupedServer = new SegParameterServer(grouped);
        SegParameterServer singleServer = new SegParameterServer(single)) {
      List<NDArray> start = arrays(m, 4);
      // Two copies of every parameter (as two devices hold them), each with its own gradient.
      List<NDArray[]> groupedParams = new ArrayList<>();
      List<NDArray[]> singleParams = new ArrayList<>();
      for (NDArray s : start) {
        groupedParams.add(new NDArray[] {s.duplicate(), s.duplicate()});
        singleParams.add(new NDArray[] {s.duplicate(), s.duplicate()});
      }
      for (int step = 0; step < 2; step++) {
        List<NDArray> first = arrays(m, 10 + step);
        List<NDArray> second = arrays(m, 20 + step);
        List<NDArray[]> groupedGrads = new ArrayList<>();
        for (int i = 0; i < IDS.size(); i++) {
          groupedGrads.add(new NDArray[] {first.get(i).duplicate(), second.get(i).duplicate()});
        }
        grouped.setLearningRate(0.02);
        single.setLearningRate(0.02);
        groupedServer.updateAll(IDS, groupedGrads, groupedParams);
        for (int i = 0; i < IDS.size(); i++) {
          singleServer.update(
              IDS.get(i),
              new NDArray[] {first.get(i).duplicate(), second.get(i).duplicate()},
              singleParams.get(i));
        }
      }
      // Both copies are on the CPU here, so they share one velocity (state is kept per device):
      // each path must still give each copy the other path's result.
      for (int i = 0; i < IDS.size(); i++) {
        for (int k = 0; k < 2; k++) {
          FloatArrays.assertWithinUlps(
              singleParams.get(i)[k].toFloatArray(),
              groupedParams.get(i)[k].toFloatArray(),
              ULPS,
              IDS.get(i) + " copy " + k);
        }
      }
    }
  }
}
