package org.distill4j.viz;

import java.awt.image.BufferedImage;
import java.util.function.Consumer;
import org.distill4j.train.EvalLog;
import org.distill4j.train.History;
import org.distill4j.train.IterationLog;
import org.distill4j.train.TrainingListener;
import org.distill4j.train.TrainingResult;

/**
 * Redraws the training dashboard every {@code everyIterations} logged iterations, after each
 * evaluation and at the end, and hands the picture to a callback. A notebook passes a callback that
 * calls its kernel's {@code display} once and {@code updateDisplay} afterwards; the library itself
 * never depends on a kernel.
 */
public final class LiveChart implements TrainingListener {
  private final History history;
  private final String title;
  private final int everyIterations;
  private final Consumer<BufferedImage> sink;
  private int lastDrawn;

  public LiveChart(
      History history, String title, int everyIterations, Consumer<BufferedImage> sink) {
    this.history = history;
    this.title = title;
    this.everyIterations = Math.max(1, everyIterations);
    this.sink = sink;
  }

  @Override
  public void onIteration(IterationLog log) {
    if (log.iteration() - lastDrawn >= everyIterations) {
      draw(log.iteration());
    }
  }

  @Override
  public void onEvaluation(EvalLog log) {
    draw(log.iteration());
  }

  @Override
  public void onTrainingEnd(TrainingResult result) {
    draw(result.lastIteration());
  }

  private void draw(int iteration) {
    if (history.iterations().isEmpty()) {
      return;
    }
    lastDrawn = iteration;
    sink.accept(Charts.dashboard(history, title));
  }
}
