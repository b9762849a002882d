package org.distill4j.viz;

import java.io.PrintStream;
import java.util.Locale;
import org.distill4j.train.EvalLog;
import org.distill4j.train.IterationLog;
import org.distill4j.train.TrainingListener;

/**
 * Progress for notebooks: one line per evaluation (iteration, the latest training loss, validation
 * mIoU and disc IoU, the best so far, time spent) instead of a line per logged iteration, so an
 * executed notebook stays short and readable. The full PaddleSeg-style log is {@code
 * ConsoleProgress}'s.
 */
public final class EvalProgress implements TrainingListener {
  private final PrintStream out;
  private final long start = System.nanoTime();
  private double lastLoss = Double.NaN;

  public EvalProgress() {
    this(System.out);
  }

  public EvalProgress(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onIteration(IterationLog log) {
    lastLoss = log.loss();
  }

  @Override
  public void onEvaluation(EvalLog log) {
    out.println(line(log, lastLoss, (System.nanoTime() - start) / 1e9));
  }

  /** The line for one evaluation; {@code loss} is the latest logged training loss (NaN if none). */
  static String line(EvalLog log, double loss, double seconds) {
    double[] iou = log.metrics().classIou();
    return String.format(
        Locale.ROOT,
        "iter %d: train loss %s, val mIoU %.4f, disc IoU %.4f; best mIoU %.4f at iter %d; %.1f min",
        log.iteration(),
        Double.isNaN(loss) ? "-" : String.format(Locale.ROOT, "%.4f", loss),
        log.metrics().miou(),
        iou.length > 1 ? iou[1] : Double.NaN,
        log.bestMiou(),
        log.bestIteration(),
        seconds / 60);
  }
}
