package org.distill4j.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.distill4j.errors.NumericalFaultException;

/**
 * What a non-finite loss does to the run. By default it stops the run ({@link
 * NonFiniteLossException}, thrown before backward, so no weight changed). With {@code
 * skip_nonfinite} the batch is rolled back (batch-norm running statistics restored, the step's
 * gradients discarded), listeners hear {@link TrainingListener#onBatchSkipped}, and the run goes
 * on; {@link SegTrainer#MAX_CONSECUTIVE_SKIPS} such batches in a row mean the run diverged and stop
 * it.
 */
final class NonFinitePolicy {
  private final boolean skip;
  private final NDManager trainManager;
  private final List<Block> trainedBlocks;
  private final StepParameterStore parameters;
  private final List<TrainingListener> listeners;
  private int consecutiveSkips;

  NonFinitePolicy(
      boolean skip,
      NDManager trainManager,
      List<Block> trainedBlocks,
      StepParameterStore parameters,
      List<TrainingListener> listeners) {
    this.skip = skip;
    this.trainManager = trainManager;
    this.trainedBlocks = trainedBlocks;
    this.parameters = parameters;
    this.listeners = listeners;
  }

  /** Runs {@code step}; returns its loss terms, or null when the batch was skipped. */
  Map<String, Double> run(Supplier<Map<String, Double>> step) {
    try (RunningStatsSnapshot before =
        skip ? RunningStatsSnapshot.of(trainManager, trainedBlocks) : null) {
      try {
        Map<String, Double> terms = step.get();
        consecutiveSkips = 0;
        return terms;
      } catch (NonFiniteLossException e) {
        if (before == null) {
          throw e;
        }
        before.restore();
        parameters.discardStep();
        skipped(e, ++consecutiveSkips);
        return null;
      }
    }
  }

  /** Reports a skipped batch; too many in a row means the run diverged, and it stops. */
  private void skipped(NonFiniteLossException reason, int consecutive) {
    if (consecutive >= SegTrainer.MAX_CONSECUTIVE_SKIPS) {
      throw new NumericalFaultException(
          consecutive
              + " batches in a row had a non-finite loss, the last at iteration "
              + reason.iteration()
              + " ('"
              + reason.term()
              + "' is "
              + reason.value()
              + "); the run has diverged: lower the learning rate or check the data");
    }
    listeners.forEach(l -> l.onBatchSkipped(reason));
  }
}
