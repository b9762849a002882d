package org.distill4j.viz;

import java.util.ArrayList;
import java.util.List;
import org.distill4j.train.History;
import org.distill4j.train.IterationLog;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * The training-loss chart behind {@link Charts#lossCurves}: a log y axis spanning whole decades,
 * or, when a term is zero or negative somewhere, a linear axis without the first logged window.
 */
final class LossChart {
  /** The y-axis title of loss charts drawn on a logarithmic axis. */
  static final String LOG_LOSS_AXIS = "loss (log scale)";

  /** The y-axis title of loss charts that cannot use a log axis (a term reached 0 or below). */
  static final String SKIPPED_LOSS_AXIS = "loss (first logged window left out)";

  private LossChart() {}

  static XYChart chart(History history, String title) {
    List<IterationLog> logs = history.iterations();
    boolean positive = true;
    for (IterationLog log : logs) {
      for (double v : log.losses().values()) {
        positive &= !Double.isFinite(v) || v > 0;
      }
    }
    boolean logAxis = positive && !logs.isEmpty();
    XYChart chart =
        Charts.xyChart(
            title == null ? "Training loss" : title,
            "iteration",
            logAxis ? LOG_LOSS_AXIS : SKIPPED_LOSS_AXIS);
    chart.getStyler().setYAxisLogarithmic(logAxis);
    // Without a log axis the first window (the untrained model's loss) squeezes the rest flat.
    List<IterationLog> shown = logAxis || logs.size() < 2 ? logs : logs.subList(1, logs.size());
    for (String name : history.lossNames()) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (IterationLog log : shown) {
        Double v = log.losses().get(name);
        if (v != null && Double.isFinite(v)) {
          x.add((double) log.iteration());
          y.add(v);
        }
      }
      Charts.addLine(chart, name, x, y, logAxis ? 1.0 : 0.0);
    }
    if (logAxis) {
      decadeBounds(chart);
    }
    return chart;
  }

  /**
   * Stretches a log axis to the powers of ten around the data, so at least two labelled ticks show
   * (XChart labels only the powers of ten, and a loss often spans less than a decade).
   */
  private static void decadeBounds(XYChart chart) {
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (XYSeries s : chart.getSeriesMap().values()) {
      for (double v : s.getYData()) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (max > 0) {
      double low = Math.pow(10, Math.floor(Math.log10(min)));
      double high = Math.pow(10, Math.ceil(Math.log10(max)));
      chart.getStyler().setYAxisMin(low);
      chart.getStyler().setYAxisMax(high > low ? high : low * 10);
    }
  }
}
