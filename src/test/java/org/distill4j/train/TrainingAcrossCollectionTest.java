package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.distill4j.config.ResolvedConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A garbage collection between the loss and the backward pass of every step changes nothing: the
 * weights after a few steps are bit-identical to a run without it, on the one-device path and on
 * the sharded data-parallel path (whose per-shard scaling is also kept by the graph).
 */
class TrainingAcrossCollectionTest {
  @TempDir static Path tmp;
  static ResolvedConfig config;

  @BeforeAll
  static void data() throws Exception {
    config = TrainFixtures.smokeStudentConfig(tmp, 64, 64, 3);
  }

  private static List<float[]> train(int shards, boolean collect) {
    try (TrainingSetup setup = TrainingSetup.fromConfig(config, 5)) {
      TrainingObjective supervised = new SupervisedObjective(setup.loss());
      TrainFixtures.CollectAfterLoss collecting = new TrainFixtures.CollectAfterLoss(supervised);
      SegTrainer.Builder builder =
          setup
              .trainer(TrainingOptions.builder().optSeed(5).optSaveDir(null))
              .setObjective(collect ? collecting : supervised);
      if (shards > 1) {
        TrainFixtures.forceShards(builder, shards);
      }
      assertEquals(3, builder.build().train().lastIteration());
      assertEquals(collect ? 3 * shards : 0, collecting.collections());
      return TrainFixtures.parameters(setup.model());
    }
  }

  private static void assertSameWeights(int shards) {
    List<float[]> quiet = train(shards, false);
    List<float[]> collected = train(shards, true);
    assertEquals(quiet.size(), collected.size());
    for (int i = 0; i < quiet.size(); i++) {
      assertArrayEquals(quiet.get(i), collected.get(i), "parameter " + i);
    }
  }

  @Test
  void oneDeviceStep() {
    assertSameWeights(1);
  }

  @Test
  void shardedStep() {
    assertSameWeights(2);
  }
}
