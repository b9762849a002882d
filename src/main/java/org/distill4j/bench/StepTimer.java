package org.distill4j.bench;

import java.util.ArrayList;
import java.util.List;
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
  private final int numWorkers;

  StepTimer(int warmup, int numWorkers) {
    this.warmup = warmup;
    this.numWorkers = numWorkers;
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

  /** Trains with {@code trainer} and returns the milliseconds of each step after the warm-up. */
  Samples timed(SegTrainer.Builder trainer) {
    List<Double> ms = new ArrayList<>();
    trainer
        .addListener(
            new TrainingListener() {
              @Override
              public void onIteration(IterationLog it) {
                if (it.iteration() > warmup) {
                  ms.add((it.batchCost() - it.readerCost()) * 1000);
                }
              }
            })
        .build()
        .train();
    return Samples.of(ms);
  }
}
