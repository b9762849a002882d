package org.distill4j.train;

import java.util.Map;

/**
 * Averages over one logging window of training iterations.
 *
 * @param iteration the 1-based iteration that closed the window
 * @param totalIterations the run's {@code iters}
 * @param epoch the 1-based epoch of that iteration
 * @param losses named loss terms averaged over the window; always contains {@code loss} (the total)
 * @param learningRate the learning rate used by that iteration
 * @param batchCost mean seconds per iteration (data wait included)
 * @param readerCost mean seconds per iteration spent waiting for data
 * @param samplesPerSecond training images per second
 * @param etaSeconds estimated seconds to the end of the run
 */
public record IterationLog(
    int iteration,
    int totalIterations,
    int epoch,
    Map<String, Double> losses,
    double learningRate,
    double batchCost,
    double readerCost,
    double samplesPerSecond,
    double etaSeconds) {

  /** The total loss of the window. */
  public double loss() {
    return losses.getOrDefault("loss", Double.NaN);
  }
}
