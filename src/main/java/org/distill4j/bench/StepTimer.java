package org.distill4j.bench;

import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.distill4j.train.IterationLog;
import org.distill4j.train.SegTrainer;
import org.distill4j.train.TrainingListener;
import org.distill4j.train.TrainingOptions;

/**
 * Runs a trainer for the benchmark and keeps the time of each step after the warm-up: its {@code
 * batch_cost} minus its {@code reader_cost}, so that waiting for data is not counted.
 */
final class StepTimer {
  private final int warmup;
  private final int steps;
  private final int numWorkers;
  private final Path profileTrace;
  private final Consumer<String> log;
  private boolean profiled;

  /**
   * @param profileTrace where to write libtorch's profile of the first timed run's timed steps
   *     (null: no profile)
   */
  StepTimer(int warmup, int steps, int numWorkers, Path profileTrace, Consumer<String> log) {
    this.warmup = warmup;
    this.steps = steps;
    this.numWorkers = numWorkers;
    this.profileTrace = profileTrace;
    this.log = log;
  }

  int warmup() {
    return warmup;
  }

  /** Training options for a timed run: a log line per step, no evaluation, nothing saved. */
  TrainingOptions.Builder options() {
    return TrainingOptions.builder()
        .optLogIters(1)
        .optSaveDir(null)
        .optDoEval(false)
        .optNumWorkers(numWorkers);
  }

  /**
   * Trains with {@code trainer} and returns the milliseconds of each step after the warm-up. The
   * first call of a timer with a profile file also records the timed steps with libtorch's profiler
   * (host time per operator; it slows the steps it records, so those timings are not comparable).
   */
  Samples timed(SegTrainer.Builder trainer) {
    boolean profile = profileTrace != null && !profiled;
    profiled |= profile;
    boolean[] recording = {false};
    List<Double> ms = new ArrayList<>();
    if (profile && warmup == 0) {
      JniUtils.startProfile(false, false, false);
      recording[0] = true;
    }
    try {
      trainer
          .addListener(
              new TrainingListener() {
                @Override
                public void onIteration(IterationLog it) {
                  if (it.iteration() > warmup) {
                    ms.add((it.batchCost() - it.readerCost()) * 1000);
                  }
                  if (profile && it.iteration() == warmup) {
                    JniUtils.startProfile(false, false, false);
                    recording[0] = true;
                  }
                }
              })
          .build()
          .train();
    } finally {
      if (recording[0]) {
        // Also after a failed run: a profiler left on would refuse the next start.
        JniUtils.stopProfile(profileTrace.toAbsolutePath().toString());
      }
    }
    if (profile) {
      logProfile();
    }
    return Samples.of(ms);
  }

  /**
   * Runs {@code step} warm-up + timed times and returns what each timed call reports (its own
   * milliseconds, so that a call can leave its set-up out). Profiles the timed calls as {@link
   * #timed} does its steps when this timer has a profile file and has not used it yet.
   */
  Samples timedCalls(DoubleSupplier step) {
    boolean profile = profileTrace != null && !profiled;
    profiled |= profile;
    boolean recording = false;
    List<Double> ms = new ArrayList<>();
    try {
      for (int i = 0; i < warmup + steps; i++) {
        if (profile && i == warmup) {
          JniUtils.startProfile(false, false, false);
          recording = true;
        }
        double stepMs = step.getAsDouble();
        if (i >= warmup) {
          ms.add(stepMs);
        }
      }
    } finally {
      if (recording) {
        JniUtils.stopProfile(profileTrace.toAbsolutePath().toString());
      }
    }
    if (profile) {
      logProfile();
    }
    return Samples.of(ms);
  }

  private void logProfile() {
    log.accept(
        "profile of the "
            + steps
            + " timed steps above (libtorch's profiler, host time; trace: "
            + profileTrace
            + "):\n"
            + OpProfile.read(profileTrace).table(25, steps));
  }
}
