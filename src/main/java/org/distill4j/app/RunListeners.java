package org.distill4j.app;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.distill4j.train.ConsoleProgress;
import org.distill4j.train.History;
import org.distill4j.train.SegTrainer;
import org.distill4j.train.TrainingListener;
import org.distill4j.viz.ChartWriter;
import org.distill4j.viz.EvalProgress;
import org.distill4j.viz.LiveChart;

/**
 * The listeners that watch one run: its history (always; {@code train_log.csv} and {@code
 * eval_log.csv} in the save directory), progress on the console, PNG charts beside the checkpoints
 * and a live chart for a notebook. Built in one place so that the command line, the tutorial and
 * the notebooks watch a run the same way; the presets name the three combinations they use.
 *
 * <pre>{@code
 * RunListeners watch = RunListeners.commandLine(saveDir, "train", useVdl);
 * watch.attachTo(setup.trainer(options)).build().train();
 * watch.history().evaluations();
 * }</pre>
 */
public final class RunListeners {
  /** What a run prints while it trains. */
  public enum Progress {
    /** PaddleSeg's log: a line per logged iteration and per evaluation. */
    FULL_LOG,
    /** One line per evaluation, for notebooks whose outputs must stay short. */
    PER_EVALUATION,
    /** Nothing (the history and charts are still written). */
    SILENT
  }

  private final History history;
  private final List<TrainingListener> listeners;

  private RunListeners(Builder b) {
    this.history = new History(b.saveDir);
    List<TrainingListener> all = new ArrayList<>();
    all.add(history);
    switch (b.progress) {
      case FULL_LOG -> all.add(new ConsoleProgress(b.out));
      case PER_EVALUATION -> all.add(new EvalProgress(b.out));
      case SILENT -> {}
    }
    if (b.pngCharts) {
      all.add(new ChartWriter(history, b.saveDir, b.title));
    }
    if (b.liveSink != null) {
      all.add(new LiveChart(history, b.title, b.redrawEvery, b.liveSink));
    }
    all.addAll(b.extra);
    this.listeners = List.copyOf(all);
  }

  /** A builder for the run saved in {@code saveDir}; {@code title} names it in charts. */
  public static Builder builder(Path saveDir, String title) {
    return new Builder(saveDir, title);
  }

  /**
   * The command line's preset ({@code train}, {@code distill}): PaddleSeg's full log, PNG charts
   * only with {@code --use_vdl}.
   */
  public static RunListeners commandLine(Path saveDir, String title, boolean useVdl) {
    return builder(saveDir, title).optProgress(Progress.FULL_LOG).optPngCharts(useVdl).build();
  }

  /** The {@code tutorial} command's preset: the full log and PNG charts for every run. */
  public static RunListeners tutorial(Path saveDir, String title) {
    return builder(saveDir, title).optProgress(Progress.FULL_LOG).optPngCharts(true).build();
  }

  /**
   * The notebooks' preset: one progress line per evaluation, PNG charts, and a chart redrawn below
   * the cell every {@code redrawEvery} iterations, handed to {@code display}.
   */
  public static RunListeners notebook(
      Path saveDir, String title, Consumer<BufferedImage> display, int redrawEvery) {
    return builder(saveDir, title)
        .optProgress(Progress.PER_EVALUATION)
        .optPngCharts(true)
        .optLiveChart(display, redrawEvery)
        .build();
  }

  /** The run's history, filled as it trains. */
  public History history() {
    return history;
  }

  /** Every listener, the history first. */
  public List<TrainingListener> listeners() {
    return listeners;
  }

  /** Adds every listener to {@code trainer} and returns it. */
  public SegTrainer.Builder attachTo(SegTrainer.Builder trainer) {
    listeners.forEach(trainer::addListener);
    return trainer;
  }

  /** Builder for {@link RunListeners}. */
  public static final class Builder {
    private final Path saveDir;
    private final String title;
    private Progress progress = Progress.FULL_LOG;
    private PrintStream out = System.out;
    private boolean pngCharts;
    private Consumer<BufferedImage> liveSink;
    private int redrawEvery = 1;
    private final List<TrainingListener> extra = new ArrayList<>();

    private Builder(Path saveDir, String title) {
      this.saveDir = saveDir;
      this.title = title;
    }

    public Builder optProgress(Progress progress) {
      this.progress = progress;
      return this;
    }

    /** Where progress lines go; the console by default. */
    public Builder optProgressStream(PrintStream out) {
      this.out = out;
      return this;
    }

    /** Writes {@code loss.png}, {@code lr.png} and {@code miou.png} into the save directory. */
    public Builder optPngCharts(boolean pngCharts) {
      this.pngCharts = pngCharts;
      return this;
    }

    /**
     * Redraws the run's chart every {@code redrawEvery} iterations and hands it to {@code sink}.
     */
    public Builder optLiveChart(Consumer<BufferedImage> sink, int redrawEvery) {
      this.liveSink = sink;
      this.redrawEvery = Math.max(1, redrawEvery);
      return this;
    }

    /** Any further listener, after the preset's own. */
    public Builder addListener(TrainingListener listener) {
      extra.add(listener);
      return this;
    }

    public RunListeners build() {
      return new RunListeners(this);
    }
  }
}
