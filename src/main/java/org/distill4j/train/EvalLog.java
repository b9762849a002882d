package org.distill4j.train;

import org.distill4j.eval.SegMetrics;

/**
 * One evaluation on the validation set during training.
 *
 * @param iteration the iteration after which the model was evaluated
 * @param metrics the validation metrics
 * @param images the number of validation images
 * @param bestMiou the best mIoU so far, this one included
 * @param bestIteration the iteration that reached {@code bestMiou}
 * @param seconds wall time of the evaluation
 */
public record EvalLog(
    int iteration,
    SegMetrics metrics,
    int images,
    double bestMiou,
    int bestIteration,
    double seconds) {

  /** True when this evaluation set a new best mIoU (strictly better). */
  public boolean isBest() {
    return bestIteration == iteration;
  }
}
