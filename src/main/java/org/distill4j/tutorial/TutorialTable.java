package org.distill4j.tutorial;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The tutorial's comparison table: one line per run, and over several seeds the mean and spread of
 * the student runs and of the paired gain, so a gain can be read against its noise.
 */
public final class TutorialTable {
  private TutorialTable() {}

  /** A plain-text table of the rows. */
  public static String format(List<Tutorial.Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-10s %5s %-26s %12s %8s %9s %10s %9s%n",
            "role",
            "seed",
            "model",
            "parameters",
            "mIoU",
            "disc IoU",
            "ms/iter",
            "minutes"));
    for (Tutorial.Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-10s %5d %-26s %,12d %8.4f %9.4f %10.1f %9.2f%n",
              r.role(),
              r.seed(),
              r.model(),
              r.parameters(),
              r.miou(),
              r.discIou(),
              r.msPerIter(),
              r.seconds() / 60));
    }
    long runs = rows.stream().filter(r -> r.role().equals(Tutorial.DISTILLED)).count();
    if (runs > 0 && rows.stream().anyMatch(r -> r.role().equals("student"))) {
      double[] student = stats(rows, "student", Tutorial.Row::miou);
      double[] distilled = stats(rows, Tutorial.DISTILLED, Tutorial.Row::miou);
      double[] gain = gains(rows);
      if (runs > 1) {
        sb.append(
            String.format(
                Locale.ROOT,
                "over %d seeds: student %.4f ± %.4f, distilled %.4f ± %.4f (mean ± sd)%n",
                runs,
                student[0],
                student[1],
                distilled[0],
                distilled[1]));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "distillation gain over the student alone: %+.4f mIoU%s%n",
              gain[0],
              runs > 1 ? String.format(Locale.ROOT, " (± %.4f over paired seeds)", gain[1]) : ""));
    }
    return sb.toString();
  }

  /** Mean and sample standard deviation of {@code value} over the rows of {@code role}. */
  public static double[] stats(
      List<Tutorial.Row> rows, String role, ToDoubleFunction<Tutorial.Row> value) {
    return meanAndSd(rows.stream().filter(r -> r.role().equals(role)).mapToDouble(value).toArray());
  }

  /** Mean and sample standard deviation (0 for one value, NaN for none). */
  public static double[] meanAndSd(double[] v) {
    if (v.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double mean = Arrays.stream(v).average().orElse(Double.NaN);
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    return new double[] {mean, v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0};
  }

  /** Mean and sd of (distilled - student) mIoU over seeds that have both rows. */
  private static double[] gains(List<Tutorial.Row> rows) {
    List<Double> diffs = new ArrayList<>();
    for (Tutorial.Row d : rows) {
      if (d.role().equals(Tutorial.DISTILLED)) {
        rows.stream()
            .filter(r -> r.role().equals("student") && r.seed() == d.seed())
            .findFirst()
            .ifPresent(st -> diffs.add(d.miou() - st.miou()));
      }
    }
    return meanAndSd(diffs.stream().mapToDouble(Double::doubleValue).toArray());
  }
}
