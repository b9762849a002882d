package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.Overrides;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.errors.NumericalFaultException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch of NaN pixels makes every loss term NaN and, through the forward pass in training mode,
 * BatchNorm's running statistics too. Without {@code skip_nonfinite} the run stops naming the
 * iteration; with it the batch is skipped and the model is exactly as it was before the batch.
 */
class SkipNonFiniteTest {
  @TempDir static Path tmp;
  static ResolvedConfig config;

  @BeforeAll
  static void data() throws Exception {
    config = TrainFixtures.smokeStudentConfig(tmp, 64, 64, 5);
  }

  /**
   * The supervised objective, with the images of the chosen iterations (1-based) turned to NaN;
   * with shards, only the first shard's.
   */
  static final class PoisonedImages implements TrainingObjective {
    private final TrainingObjective inner;
    private final IntPredicate poisoned;
    private final int shards;
    private int calls;

    PoisonedImages(TrainingObjective inner, IntPredicate poisoned, int shards) {
      this.inner = inner;
      this.poisoned = poisoned;
      this.shards = shards;
    }

    @Override
    public void beforeForward(NDArray images) {
      int call = calls++;
      if (call % shards == 0 && poisoned.test(call / shards + 1)) {
        images.muli(Float.NaN);
      }
    }

    @Override
    public Map<String, NDArray> compute(Step s) {
      return inner.compute(s);
    }
  }

  /** Records parameters after every logged iteration and at every skipped batch. */
  static final class Watcher implements TrainingListener {
    final SegmentationModelHolder holder;
    final List<Integer> logged = new ArrayList<>();
    final List<Integer> skipped = new ArrayList<>();
    final List<List<float[]>> afterIteration = new ArrayList<>();
    final List<List<float[]>> afterSkip = new ArrayList<>();

    Watcher(SegmentationModelHolder holder) {
      this.holder = holder;
    }

    @Override
    public void onIteration(IterationLog log) {
      logged.add(log.iteration());
      afterIteration.add(TrainFixtures.parameters(holder.setup.model()));
      log.losses().values().forEach(v -> assertTrue(Double.isFinite(v), "logged " + v));
    }

    @Override
    public void onBatchSkipped(NonFiniteLossException reason) {
      skipped.add(reason.iteration());
      assertEquals(TrainingObjective.TOTAL, reason.term());
      afterSkip.add(TrainFixtures.parameters(holder.setup.model()));
    }
  }

  /** Lets the watcher read the model of the setup it is attached to. */
  record SegmentationModelHolder(TrainingSetup setup) {}

  private static Watcher train(boolean skip, int shards, Set<Integer> poisonedSteps) {
    try (TrainingSetup setup = TrainingSetup.fromConfig(config, 3)) {
      Watcher watcher = new Watcher(new SegmentationModelHolder(setup));
      SegTrainer.Builder builder =
          setup
              .trainer(
                  TrainingOptions.builder()
                      .optLogIters(1)
                      .optSeed(3)
                      .optSaveDir(null)
                      .optSkipNonFinite(skip))
              .setObjective(
                  new PoisonedImages(
                      new SupervisedObjective(setup.loss()), poisonedSteps::contains, shards))
              .addListener(watcher);
      if (shards > 1) {
        TrainFixtures.forceShards(builder, shards);
      }
      TrainingResult result = builder.build().train();
      assertEquals(5, result.lastIteration());
      return watcher;
    }
  }

  private static void assertSkippedThirdBatchCleanly(Watcher w) {
    assertEquals(List.of(3), w.skipped);
    assertEquals(List.of(1, 2, 4, 5), w.logged, "a skipped batch is not logged");
    // After the skip the model is the model of iteration 2, running statistics included.
    List<float[]> beforeBatch = w.afterIteration.get(1);
    List<float[]> afterSkip = w.afterSkip.get(0);
    assertEquals(beforeBatch.size(), afterSkip.size());
    for (int i = 0; i < beforeBatch.size(); i++) {
      assertArrayEquals(beforeBatch.get(i), afterSkip.get(i), "parameter " + i);
    }
    for (float[] p : w.afterIteration.get(3)) {
      for (float v : p) {
        assertTrue(Float.isFinite(v), "every parameter stays finite");
      }
    }
  }

  @Test
  void withoutTheOptionTheRunStopsNamingTheIteration() {
    NonFiniteLossException e =
        assertThrows(NonFiniteLossException.class, () -> train(false, 1, Set.of(3)));
    assertEquals(3, e.iteration());
    assertTrue(e.getMessage().contains("at iteration 3"), e.getMessage());
    assertTrue(e.getMessage().contains("--skip_nonfinite"), e.getMessage());
  }

  @Test
  void skippedBatchLeavesWeightsAndRunningStatisticsUntouched() {
    assertSkippedThirdBatchCleanly(train(true, 1, Set.of(3)));
  }

  @Test
  void dataParallelStepSkipsBeforeAnyGradientReachesTheParameters() {
    assertSkippedThirdBatchCleanly(train(true, 2, Set.of(3)));
  }

  @Test
  void tooManyNonFiniteBatchesInARowStillStop() {
    NumericalFaultException e =
        assertThrows(NumericalFaultException.class, SkipNonFiniteTest::trainPoisoned);
    assertTrue(
        e.getMessage()
            .startsWith(
                SegTrainer.MAX_CONSECUTIVE_SKIPS
                    + " batches in a row had a non-finite loss, the last at iteration "
                    + SegTrainer.MAX_CONSECUTIVE_SKIPS),
        e.getMessage());
    assertFalse(e instanceof NonFiniteLossException);
  }

  /** Poisons every batch of a run long enough to reach the limit of consecutive skips. */
  private static void trainPoisoned() throws Exception {
    ResolvedConfig longer =
        ConfigLoader.load(
            Paths.get(config.source().toString()),
            Overrides.of(SegTrainer.MAX_CONSECUTIVE_SKIPS + 2, null, null));
    try (TrainingSetup setup = TrainingSetup.fromConfig(longer, 3)) {
      setup
          .trainer(TrainingOptions.builder().optSaveDir(null).optSkipNonFinite(true))
          .setObjective(new PoisonedImages(new SupervisedObjective(setup.loss()), step -> true, 1))
          .build()
          .train();
    }
  }
}
