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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SegOptimizer#updateAll} and {@link SegParameterServer#updateAll}: the same weights, state
 * and step count as updating parameter by parameter, with one or several copies.
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

  @Test
  void momentumGroupedEqualsPerParameterBitForBit(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager();
        Momentum grouped = Momentum.builder().optMomentum(0.9).optWeightDecay(4e-5).build();
        Momentum single = Momentum.builder().optMomentum(0.9).optWeightDecay(4e-5).build()) {
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
        assertArrayEquals(w2[i].toFloatArray(), w1.get(i).toFloatArray(), IDS.get(i));
      }
      assertEquals(single.stepCount(), grouped.stepCount());
      assertEquals(3, grouped.stepCount());
      grouped.saveState(dir.resolve("grouped.state"));
      single.saveState(dir.resolve("single.state"));
      assertArrayEquals(
          Files.readAllBytes(dir.resolve("single.state")),
          Files.readAllBytes(dir.resolve("grouped.state")),
          "the same velocities and step counts");
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
        Momentum grouped = Momentum.builder().optMomentum(0.9).optWeightDecay(1e-3).build();
        Momentum single = Momentum.builder().optMomentum(0.9).optWeightDecay(1e-3).build();
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
      // each path must still give each copy exactly the other path's result.
      for (int i = 0; i < IDS.size(); i++) {
        for (int k = 0; k < 2; k++) {
          assertArrayEquals(
              singleParams.get(i)[k].toFloatArray(),
              groupedParams.get(i)[k].toFloatArray(),
              IDS.get(i) + " copy " + k);
        }
      }
    }
  }
}
