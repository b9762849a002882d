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

  public ChartWriter(History history, Path directory, String title) {
    this.history = history;
    this.directory = directory;
    this.title = title;
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
