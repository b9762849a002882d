package org.distill4j.tutorial;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.distill4j.app.RunListeners;
import org.distill4j.config.Amp;
import org.distill4j.config.ConfigException;
import org.distill4j.train.TrainingListener;

/** Builder for {@link Tutorial}: where its configs, data and runs are, and how runs are watched. */
public final class TutorialBuilder {

  TutorialScale scale = TutorialScale.CPU;
  Path projectRoot = Paths.get("");
  Path outputDir = Paths.get("output", "tutorial");
  Path dataRoot;
  Tutorial.DataSource data = Tutorial.DataSource.SYNTHETIC;
  long seed;
  Amp amp = Amp.NONE;
  Amp teacherAmp = Amp.NONE;
  int numWorkers = 2;
  int evaluationsPerRun = 4;
  RunListeners.Progress progress = RunListeners.Progress.FULL_LOG;
  Function<BufferedImage, String> show;
  BiConsumer<String, BufferedImage> update;
  final List<TrainingListener> listeners = new ArrayList<>();

  TutorialBuilder() {}

  TutorialBuilder copy() {
    TutorialBuilder b = new TutorialBuilder();
    b.scale = scale;
    b.projectRoot = projectRoot;
    b.outputDir = outputDir;
    b.dataRoot = dataRoot;
    b.data = data;
    b.seed = seed;
    b.amp = amp;
    b.teacherAmp = teacherAmp;
    b.numWorkers = numWorkers;
    b.evaluationsPerRun = evaluationsPerRun;
    b.progress = progress;
    b.show = show;
    b.update = update;
    b.listeners.addAll(listeners);
    return b;
  }

  public TutorialBuilder optScale(TutorialScale scale) {
    this.scale = scale;
    return this;
  }

  /** The directory holding {@code configs/}; defaults to the working directory. */
  public TutorialBuilder optProjectRoot(Path projectRoot) {
    this.projectRoot = projectRoot;
    return this;
  }

  public TutorialBuilder optOutputDir(Path outputDir) {
    this.outputDir = outputDir;
    return this;
  }

  /**
   * Where an empty data root's data comes from; the synthetic set by default, which the notebooks'
   * and README's figures were measured on.
   */
  public TutorialBuilder optDataSource(Tutorial.DataSource data) {
    this.data = data;
    return this;
  }

  /** Where the dataset is (or is generated); defaults to the scale's {@code data/...} root. */
  public TutorialBuilder optDataRoot(Path dataRoot) {
    this.dataRoot = dataRoot;
    return this;
  }

  public TutorialBuilder optSeed(long seed) {
    this.seed = seed;
    return this;
  }

  /**
   * Mixed precision of every run's training steps ({@code amp} in each config; see {@link Amp}).
   * Default {@link Amp#NONE}, float32.
   */
  public TutorialBuilder optAmp(Amp amp) {
    this.amp = java.util.Objects.requireNonNull(amp, "amp");
    return this;
  }

  /**
   * Precision of the frozen teacher in the distillation runs ({@code teacher_amp} in the student's
   * config; see {@link Amp#TEACHER_KEY}). Default {@link Amp#NONE}, float32.
   */
  public TutorialBuilder optTeacherAmp(Amp teacherAmp) {
    this.teacherAmp = java.util.Objects.requireNonNull(teacherAmp, "teacherAmp");
    return this;
  }

  public TutorialBuilder optNumWorkers(int numWorkers) {
    this.numWorkers = numWorkers;
    return this;
  }

  /**
   * How many times a run is evaluated (and its best weights kept), evenly spread; 4 by default.
   * More evaluations draw a finer validation curve and may find a better best model.
   */
  public TutorialBuilder optEvaluationsPerRun(int evaluations) {
    if (evaluations < 1) {
      throw new ConfigException("evaluations per run must be at least 1, got " + evaluations);
    }
    this.evaluationsPerRun = evaluations;
    return this;
  }

  /** What runs print while they train; PaddleSeg's full log by default. */
  public TutorialBuilder optProgress(RunListeners.Progress progress) {
    this.progress = progress;
    return this;
  }

  /**
   * Draws every run's chart below the running cell and redraws it in place: {@code
   * optLiveCharts(img -> display(img), (id, img) -> updateDisplay(id, img))} in a notebook.
   *
   * @param show publishes a picture and returns its display id
   * @param update replaces the picture shown under an id
   */
  public TutorialBuilder optLiveCharts(
      Function<BufferedImage, String> show, BiConsumer<String, BufferedImage> update) {
    this.show = show;
    this.update = update;
    return this;
  }

  /** Extra listeners for every training run. */
  public TutorialBuilder addListener(TrainingListener listener) {
    listeners.add(listener);
    return this;
  }

  public Tutorial build() {
    return new Tutorial(this);
  }
}
