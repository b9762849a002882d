package org.distill4j.train;

import java.util.List;
import org.distill4j.data.SegDataset;
import org.distill4j.eval.SegEvaluator;
import org.distill4j.eval.SegMetrics;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.optim.SegOptimizer;

/**
 * What happens every {@code save_interval} and at the last iteration: evaluation on the validation
 * set (with {@code do_eval}), the best model by mIoU kept in {@code best_model}, and the {@code
 * iter_N} checkpoint with the oldest ones pruned. Remembers the best mIoU across a resume.
 */
final class SavePoints {
  private final SegmentationModel model;
  private final SegDataset valSet;
  private final SegOptimizer optimizer;
  private final TrainingOptions options;
  private final Checkpoints checkpoints;
  private final String configYaml;
  private final List<TrainingListener> listeners;
  private double bestMiou;
  private int bestIter;
  private SegMetrics lastMetrics;

  /**
   * @param checkpoints where checkpoints go, or null when the run saves nothing
   * @param resumed the loop state a resume started from (its best mIoU and iteration)
   */
  SavePoints(
      SegmentationModel model,
      SegDataset valSet,
      SegOptimizer optimizer,
      TrainingOptions options,
      Checkpoints checkpoints,
      String configYaml,
      List<TrainingListener> listeners,
      Checkpoints.LoopState resumed) {
    this.model = model;
    this.valSet = valSet;
    this.optimizer = optimizer;
    this.options = options;
    this.checkpoints = checkpoints;
    this.configYaml = configYaml;
    this.listeners = listeners;
    this.bestMiou = resumed.bestMiou();
    this.bestIter = resumed.bestIteration();
  }

  /** Evaluates and saves when {@code iter} is a save iteration; otherwise does nothing. */
  void after(int iter) {
    if (!options.isSaveIteration(iter)) {
      return;
    }
    if (options.doEval() && valSet != null) {
      evaluate(iter);
    }
    if (checkpoints != null) {
      var saved =
          checkpoints.saveIteration(
              model, optimizer, new Checkpoints.LoopState(iter, bestMiou, bestIter), configYaml);
      checkpoints.prune(options.keepCheckpointMax());
      listeners.forEach(l -> l.onCheckpoint(iter, saved));
    }
  }

  private void evaluate(int iter) {
    long e0 = System.nanoTime();
    lastMetrics = SegEvaluator.evaluate(model, valSet);
    if (Double.isNaN(bestMiou) || lastMetrics.miou() > bestMiou) {
      bestMiou = lastMetrics.miou();
      bestIter = iter;
      if (checkpoints != null) {
        checkpoints.saveBest(
            model, new Checkpoints.LoopState(iter, bestMiou, bestIter), configYaml);
      }
    }
    EvalLog log =
        new EvalLog(
            iter, lastMetrics, valSet.size(), bestMiou, bestIter, (System.nanoTime() - e0) / 1e9);
    listeners.forEach(l -> l.onEvaluation(log));
  }

  double bestMiou() {
    return bestMiou;
  }

  int bestIteration() {
    return bestIter;
  }

  /** The last evaluation's metrics, or null when none ran. */
  SegMetrics lastMetrics() {
    return lastMetrics;
  }
}
