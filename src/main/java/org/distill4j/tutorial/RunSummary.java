package org.distill4j.tutorial;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.distill4j.train.History;

/**
 * The best validation result of a finished run, read back from the {@code eval_log.csv} its {@link
 * History} wrote, so that a notebook can compare against a run trained by another notebook (or an
 * earlier session) without training it again.
 *
 * @param name the run's directory name, e.g. {@code student}
 * @param iteration the iteration of the best evaluation
 * @param miou the best validation mIoU
 * @param classIou the per-class IoU of that evaluation (index 1 is the disc)
 */
public record RunSummary(String name, int iteration, double miou, double[] classIou) {

  /** The disc (class 1) IoU, or NaN for a single-class run. */
  public double discIou() {
    return classIou.length > 1 ? classIou[1] : Double.NaN;
  }

  /**
   * The best evaluation of the run saved in {@code runDir}, or empty when it has no evaluation log.
   * The first of equal best values wins, as the trainer keeps the first best model.
   */
  public static Optional<RunSummary> read(Path runDir) {
    Path file = runDir.resolve(History.EVAL_FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Map<String, List<Double>> columns = History.readCsv(file);
    List<Double> miou = columns.get("miou");
    List<Double> iters = columns.get("iter");
    if (miou == null || iters == null || miou.isEmpty()) {
      return Optional.empty();
    }
    int best = 0;
    for (int i = 1; i < miou.size(); i++) {
      if (miou.get(i) > miou.get(best)) {
        best = i;
      }
    }
    List<Double> perClass = new ArrayList<>();
    for (int c = 0; columns.containsKey("iou_" + c); c++) {
      perClass.add(columns.get("iou_" + c).get(best));
    }
    return Optional.of(
        new RunSummary(
            runDir.getFileName().toString(),
            (int) Math.round(iters.get(best)),
            miou.get(best),
            perClass.stream().mapToDouble(Double::doubleValue).toArray()));
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "%s: mIoU %.4f, disc IoU %.4f (iter %d)", name, miou, discIou(), iteration);
  }
}
