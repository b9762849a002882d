package org.distill4j.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.TrainFixtures;
import org.junit.jupiter.api.Test;

/**
 * Distillation (logit KL with a temperature and a coefficient, a weighted feature hint loss) gives
 * bit-identical losses and student weights whether or not a garbage collection runs between the
 * loss and the backward pass of every step, in one batch and in two shards.
 */
class DistillAcrossCollectionTest {
  private static void assertUnchangedByCollections(int batchSize, int shards) {
    try (NDManager m = NDManager.newBaseManager()) {
      SegmentationModel teacher = DistillShardsTest.tiny(m, 1);
      SegmentationModel quiet = DistillShardsTest.tiny(m, 0);
      SegmentationModel collected = DistillShardsTest.tiny(m, 0);
      List<Map<String, Double>> quietLosses =
          DistillShardsTest.distill(quiet, teacher, batchSize, shards, o -> o);
      TrainFixtures.CollectAfterLoss[] wrapper = new TrainFixtures.CollectAfterLoss[1];
      List<Map<String, Double>> collectedLosses =
          DistillShardsTest.distill(
              collected,
              teacher,
              batchSize,
              shards,
              o -> wrapper[0] = new TrainFixtures.CollectAfterLoss(o));
      assertEquals(2 * shards, wrapper[0].collections());
      assertEquals(quietLosses, collectedLosses);
      List<float[]> a = TrainFixtures.parameters(quiet);
      List<float[]> b = TrainFixtures.parameters(collected);
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(a.get(i), b.get(i), "student parameter " + i);
      }
    }
  }

  @Test
  void oneBatch() {
    assertUnchangedByCollections(4, 1);
  }

  @Test
  void twoShards() {
    assertUnchangedByCollections(2, 2);
  }
}
