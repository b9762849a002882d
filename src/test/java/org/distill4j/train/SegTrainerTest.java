package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.config.ResolvedConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop from Java: events, interruption between iterations, and seeded reproducibility. */
class SegTrainerTest {
  @TempDir static Path tmp;
  static ResolvedConfig config;

  @BeforeAll
  static void data() throws Exception {
    config = TrainFixtures.smokeStudentConfig(tmp, 80, 72, 4);
  }

  /** Records every iteration's losses; interrupts the training thread after {@code stopAfter}. */
  static final class Recorder implements TrainingListener {
    final List<Double> losses = new ArrayList<>();
    final int stopAfter;
    int starts;
    int ends;

    Recorder(int stopAfter) {
      this.stopAfter = stopAfter;
    }

    @Override
    public void onTrainingStart(TrainingOptions options, int startIteration) {
      starts++;
    }

    @Override
    public void onIteration(IterationLog log) {
      losses.add(log.loss());
      if (log.iteration() == stopAfter) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void onTrainingEnd(TrainingResult result) {
      ends++;
    }
  }

  static TrainingResult train(Recorder recorder, int workers) {
    try (TrainingSetup setup = TrainingSetup.fromConfig(config, 7)) {
      return setup
          .trainer(
              TrainingOptions.builder()
                  .optLogIters(1)
                  .optSeed(7)
                  .optNumWorkers(workers)
                  .optSaveDir(null))
          .addListener(recorder)
          .build()
          .train();
    } finally {
      Thread.interrupted(); // clear the flag for the next test
    }
  }

  @Test
  void interruptStopsBetweenIterations() {
    Recorder r = new Recorder(2);
    TrainingResult result = train(r, 0);
    assertTrue(result.interrupted());
    assertEquals(2, result.lastIteration());
    assertEquals(2, r.losses.size());
    assertEquals(1, r.starts);
    assertEquals(1, r.ends, "listeners hear the end of an interrupted run too");
  }

  @Test
  void sameSeedGivesTheSameLossesWhateverTheWorkerCount() {
    Recorder serial = new Recorder(-1);
    Recorder parallel = new Recorder(-1);
    TrainingResult a = train(serial, 0);
    TrainingResult b = train(parallel, 2);
    assertFalse(a.interrupted());
    assertEquals(4, serial.losses.size());
    assertEquals(serial.losses, parallel.losses);
  }
}
