package org.distill4j.viz;

import java.nio.file.Path;
import org.distill4j.train.EvalLog;
import org.distill4j.train.History;
import org.distill4j.train.TrainingListener;
import org.distill4j.train.TrainingResult;

/**
 * Writes the loss, metric and learning-rate charts of a run as PNGs into its save directory after
 * every evaluation and at the end (the {@code --use_vdl} flag).
 */
public final class ChartWriter implements TrainingListener {
  private final History history;
  private final Path directory;
  private final String title;

  /**
   * @param title words for the chart titles, e.g. "distilled student"; a run directory name given
   *     here is put into words by {@link Charts#runTitle} ({@code sweep_kl_1.0} becomes {@code KL
   *     weight 1.0}), so no chart is titled with a run id
   */
  public ChartWriter(History history, Path directory, String title) {
    this.history = history;
    this.directory = directory;
    this.title = Charts.runTitle(title);
  }

  /** The words the chart titles start with. */
  String title() {
    return title;
  }

  @Override
  public void onEvaluation(EvalLog log) {
    write();
  }

  @Override
  public void onTrainingEnd(TrainingResult result) {
    write();
  }

  /** Writes {@code loss.png}, {@code lr.png} and, with evaluations, {@code miou.png}. */
  public void write() {
    if (history.iterations().isEmpty()) {
      return;
    }
    Charts.savePng(
        Charts.lossCurves(history, title + ": training loss"), directory.resolve("loss.png"));
    Charts.savePng(Charts.learningRate(history), directory.resolve("lr.png"));
    if (!history.evaluations().isEmpty()) {
      Charts.savePng(
          Charts.metricCurves(history, title + ": validation"), directory.resolve("miou.png"));
    }
  }
}
