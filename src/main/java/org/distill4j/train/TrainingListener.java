package org.distill4j.train;

import java.nio.file.Path;

/**
 * Receives the events of a training run. The training loop only emits events; console progress, the
 * history file, charts and notebook displays are all listeners.
 */
public interface TrainingListener {
  /** Called once before the first iteration (after a resume, with the first iteration to run). */
  default void onTrainingStart(TrainingOptions options, int startIteration) {}

  /** Called every {@code log_iters} iterations with averages over the logged window. */
  default void onIteration(IterationLog log) {}

  /**
   * Called when a batch was skipped because a loss term was not finite (only with {@link
   * TrainingOptions#skipNonFinite()}); the iteration counts, but nothing was updated.
   */
  default void onBatchSkipped(NonFiniteLossException reason) {}

  /** Called after each evaluation on the validation set. */
  default void onEvaluation(EvalLog log) {}

  /** Called after a checkpoint directory was written completely. */
  default void onCheckpoint(int iteration, Path directory) {}

  /** Called once when the loop ends, normally or by interruption. */
  default void onTrainingEnd(TrainingResult result) {}
}
