package org.distill4j.tutorial;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.distill4j.app.RunListeners;
import org.distill4j.app.TrainingRun;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.IterationLog;
import org.distill4j.train.SegTrainer;
import org.distill4j.train.TrainingOptions;
import org.distill4j.train.TrainingResult;
import org.distill4j.viz.LiveChart;

/**
 * Trains one run of a {@link Tutorial} the way all of its calls do: an emptied save directory, loop
 * options derived from the run's length (the tutorial's evaluations per run, the log interval), the
 * front end's listener preset (progress, PNG charts, the live chart when the tutorial shows one,
 * its extra listeners), then the run's table row from the result and the history.
 */
final class TutorialRun {
  private final Tutorial tutorial;
  private final TutorialBuilder settings;

  TutorialRun(Tutorial tutorial, TutorialBuilder settings) {
    this.tutorial = tutorial;
    this.settings = settings;
  }

  /** Trains {@code model} as run {@code run} with {@code runSeed} and returns its row. */
  Tutorial.Row train(
      String run,
      long runSeed,
      ResolvedConfig config,
      SegmentationModel model,
      Function<TrainingOptions.Builder, SegTrainer.Builder> trainer) {
    Path saveDir = tutorial.freshRunDir(tutorial.runDirName(run, runSeed));
    int iters = config.seg().iters();
    TrainingOptions.Builder options =
        TrainingOptions.builder()
            .optDoEval(true)
            .optSaveInterval(tutorial.saveInterval(iters))
            .optLogIters(Tutorial.logIters(iters))
            .optKeepCheckpointMax(1)
            .optSeed(runSeed)
            .optNumWorkers(settings.numWorkers)
            .optSaveDir(saveDir);
    RunListeners.Builder watch =
        RunListeners.builder(saveDir, title(run, runSeed))
            .optProgress(settings.progress)
            .optPngCharts(true);
    if (settings.show != null) {
      watch.optLiveChart(
          LiveChart.inPlace(settings.show, settings.update), Math.max(1, iters / 20));
    }
    settings.listeners.forEach(watch::addListener);
    RunListeners listeners = watch.build();
    TrainingResult result =
        TrainingRun.train(trainer.apply(options), config, model, listeners, line -> {});
    double[] classIou =
        listeners.history().evaluations().stream()
            .filter(e -> e.iteration() == result.bestIteration())
            .findFirst()
            .map(e -> e.metrics().classIou())
            .orElse(new double[0]);
    return new Tutorial.Row(
        run,
        runSeed,
        model.name(),
        model.parameterCount(),
        result.bestMiou(),
        classIou,
        meanBatchCostMs(listeners.history().iterations()),
        result.seconds());
  }

  /** A run's name in chart titles: words, not directory names. */
  static String title(String run, long runSeed) {
    String words =
        switch (run) {
          case "teacher" -> "teacher";
          case "student" -> "student alone";
          case Tutorial.DISTILLED -> "distilled student";
          default -> run.replace('_', ' ');
        };
    return runSeed == 0 ? words : words + " (seed " + runSeed + ")";
  }

  private static double meanBatchCostMs(List<IterationLog> logs) {
    // Skip the first window: it includes warm-up.
    List<IterationLog> steady = logs.size() > 1 ? logs.subList(1, logs.size()) : logs;
    return steady.stream().mapToDouble(IterationLog::batchCost).average().orElse(Double.NaN) * 1000;
  }
}
