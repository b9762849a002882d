package org.distill4j.train;

import java.nio.file.Path;
import java.util.Optional;
import org.distill4j.eval.SegMetrics;

/**
 * What a finished (or interrupted) run produced.
 *
 * @param lastIteration the last iteration that completed
 * @param interrupted true when the run stopped early because the thread was interrupted
 * @param lastMetrics the metrics of the last evaluation, if any
 * @param bestMiou the best validation mIoU, or NaN without evaluation
 * @param bestIteration the iteration of the best mIoU, or 0
 * @param saveDir the directory holding checkpoints and history, or null when nothing is saved
 * @param seconds wall time of the loop
 */
public record TrainingResult(
    int lastIteration,
    boolean interrupted,
    Optional<SegMetrics> lastMetrics,
    double bestMiou,
    int bestIteration,
    Path saveDir,
    double seconds) {}
