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
    List<Double> ms = new ArrayList<>();
    ProfileRun profile = new ProfileRun();
    try (profile) {
      if (warmup == 0) {
        profile.start();
      }
      trainer
          .addListener(
              new TrainingListener() {
                @Override
                public void onIteration(IterationLog it) {
                  if (it.iteration() > warmup) {
                    ms.add((it.batchCost() - it.readerCost()) * 1000);
                  }
                  if (it.iteration() == warmup) {
                    profile.start();
                  }
                }
              })
          .build()
          .train();
    }
    profile.report();
    return Samples.of(ms);
  }

  /**
   * Runs {@code step} warm-up + timed times and returns what each timed call reports (its own
   * milliseconds, so that a call can leave its set-up out). Profiles the timed calls as {@link
   * #timed} does its steps when this timer has a profile file and has not used it yet.
   */
  Samples timedCalls(DoubleSupplier step) {
    List<Double> ms = new ArrayList<>();
    ProfileRun profile = new ProfileRun();
    try (profile) {
      for (int i = 0; i < warmup + steps; i++) {
        if (i == warmup) {
          profile.start();
        }
        double stepMs = step.getAsDouble();
        if (i >= warmup) {
          ms.add(stepMs);
        }
      }
    }
    profile.report();
    return Samples.of(ms);
  }

  /**
   * libtorch's profiler for one timed run: it records only the first run of a timer with a profile
   * file, from the first timed step on.
   */
  private final class ProfileRun implements AutoCloseable {
    private final boolean wanted = profileTrace != null && !profiled;
    private boolean recording;

    ProfileRun() {
      profiled |= wanted;
    }

    /** Starts recording if this run is the profiled one and is not recording yet. */
    void start() {
      if (wanted && !recording) {
        JniUtils.startProfile(false, false, false);
        recording = true;
      }
    }

    /** Stops recording, also after a failed run: a profiler left on would refuse the next start. */
    @Override
    public void close() {
      if (recording) {
        recording = false;
        JniUtils.stopProfile(profileTrace.toAbsolutePath().toString());
      }
    }

    /** Logs the operators of the recorded steps, if this run was profiled. */
    void report() {
      if (wanted) {
        logProfile();
      }
    }
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
