package org.distill4j.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** Prints PaddleSeg-style progress lines: losses, learning rate, costs and ETA. */
public final class ConsoleProgress implements TrainingListener {
  private final PrintStream out;

  public ConsoleProgress() {
    this(System.out);
  }

  public ConsoleProgress(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onTrainingStart(TrainingOptions options, int startIteration) {
    out.printf(
        Locale.ROOT,
        "[TRAIN] start at iter %d of %d, batch_size %d, seed %d%n",
        startIteration,
        options.iters(),
        options.batchSize(),
        options.seed());
  }

  @Override
  public void onIteration(IterationLog log) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "[TRAIN] epoch: %d, iter: %d/%d, ",
            log.epoch(),
            log.iteration(),
            log.totalIterations()));
    for (Map.Entry<String, Double> e : log.losses().entrySet()) {
      sb.append(String.format(Locale.ROOT, "%s: %.4f, ", e.getKey(), e.getValue()));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "lr: %.6f, batch_cost: %.4f, reader_cost: %.5f, ips: %.4f samples/sec | ETA %s",
            log.learningRate(),
            log.batchCost(),
            log.readerCost(),
            log.samplesPerSecond(),
            formatDuration(log.etaSeconds())));
    out.println(sb);
  }

  @Override
  public void onBatchSkipped(NonFiniteLossException reason) {
    out.printf(
        Locale.ROOT,
        "[TRAIN] iter %d: batch skipped, loss term '%s' is %s%n",
        reason.iteration(),
        reason.term(),
        reason.value());
  }

  @Override
  public void onEvaluation(EvalLog log) {
    out.println(log.metrics().format(log.images()));
    out.printf(
        Locale.ROOT,
        "[EVAL] The model with the best validation mIoU (%.4f) was saved at iter %d.%n",
        log.bestMiou(),
        log.bestIteration());
  }

  @Override
  public void onTrainingEnd(TrainingResult result) {
    out.printf(
        Locale.ROOT,
        "[TRAIN] %s at iter %d after %s%n",
        result.interrupted() ? "interrupted" : "finished",
        result.lastIteration(),
        formatDuration(result.seconds()));
  }

  /** Formats seconds as HH:MM:SS. */
  public static String formatDuration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "--:--:--";
    }
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
  }
}
