package org.distill4j.viz;

import java.awt.image.BufferedImage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
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

  /**
   * @param title words for the chart titles, e.g. "distilled student"; a run directory name given
   *     here is put into words by {@link Charts#runTitle}, so no chart is titled with a run id
   */
  public LiveChart(
      History history, String title, int everyIterations, Consumer<BufferedImage> sink) {
    this.history = history;
    this.title = Charts.runTitle(title);
    this.everyIterations = Math.max(1, everyIterations);
    this.sink = sink;
  }

  /**
   * A sink that shows the first picture with {@code show} and replaces it with {@code update}
   * afterwards, so a chart redrawn during training stays one output. In a notebook: {@code
   * LiveChart.inPlace(img -> display(img), (id, img) -> updateDisplay(id, img))}.
   *
   * @param show publishes a picture and returns its display id
   * @param update replaces the picture shown under an id
   */
  public static Consumer<BufferedImage> inPlace(
      Function<BufferedImage, String> show, BiConsumer<String, BufferedImage> update) {
    String[] id = new String[1];
    return image -> {
      if (id[0] == null) {
        id[0] = show.apply(image);
      } else {
        update.accept(id[0], image);
      }
    };
  }

  /** The words the chart titles start with. */
  String title() {
    return title;
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
