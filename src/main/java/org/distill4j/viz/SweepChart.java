package org.distill4j.viz;

import java.awt.Color;
import java.util.Arrays;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A chart of scores measured at a few settings (e.g. KL loss weights) with several seeds each:
 * markers only, since nothing was measured between two settings; the mean over seeds with an error
 * bar of one sample standard deviation (none when a setting has a single seed); every seed's value
 * as a small pale marker; the legend below the plot, clear of the points. When several series share
 * a setting their markers are moved apart sideways by a small fraction of the closest two settings'
 * gap so the error bars do not hide each other.
 */
final class SweepChart {
  /** Series colours: strong hues that stay apart on white (blue, orange, green, purple). */
  private static final Color[] COLORS = {
    new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0x9467BD)
  };

  /** Suffix of the hidden series that draw each seed's own value. */
  static final String SEEDS_SUFFIX = " (each seed)";

  private SweepChart() {}

  static XYChart chart(
      String title, String xTitle, String yTitle, double[] x, Map<String, double[][]> perSeed) {
    XYChart chart = Charts.xyChart(title, xTitle, yTitle);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setErrorBarsColorSeriesColor(true);
    chart.getStyler().setMarkerSize(9);
    padXAxis(chart, x);
    double step = dodgeStep(x, perSeed.size());
    int k = 0;
    for (Map.Entry<String, double[][]> e : perSeed.entrySet()) {
      double[][] values = e.getValue();
      if (values.length != x.length) {
        throw new IllegalArgumentException(
            "series " + e.getKey() + " has " + values.length + " settings for " + x.length + " x");
      }
      double offset = (k - (perSeed.size() - 1) / 2.0) * step;
      addSeries(chart, e.getKey(), x, values, offset, COLORS[k % COLORS.length]);
      k++;
    }
    return chart;
  }

  private static void addSeries(
      XYChart chart, String name, double[] x, double[][] values, double offset, Color color) {
    int points = 0;
    int seedPoints = 0;
    int maxSeeds = 0;
    for (double[] v : values) {
      points += v.length > 0 ? 1 : 0;
      seedPoints += v.length;
      maxSeeds = Math.max(maxSeeds, v.length);
    }
    if (points == 0) {
      throw new IllegalArgumentException("series " + name + " has no measured value");
    }
    double[] mx = new double[points];
    double[] mean = new double[points];
    double[] sd = new double[points];
    double[] sx = new double[seedPoints];
    double[] sy = new double[seedPoints];
    int p = 0;
    int s = 0;
    for (int i = 0; i < x.length; i++) {
      double[] v = values[i];
      if (v.length == 0) {
        continue;
      }
      mx[p] = x[i] + offset;
      mean[p] = Arrays.stream(v).average().orElseThrow();
      sd[p] = standardDeviation(v, mean[p]);
      p++;
      for (double one : v) {
        sx[s] = x[i] + offset;
        sy[s++] = one;
      }
    }
    XYSeries meanSeries =
        maxSeeds > 1
            ? chart.addSeries(name + " (mean \u00b1 sd)", mx, mean, sd)
            : chart.addSeries(name, mx, mean);
    meanSeries.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    meanSeries.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(color);
    // The error bars take the series' line colour; the line itself is not drawn (Scatter).
    meanSeries.setLineColor(color);
    if (maxSeeds > 1) {
      XYSeries seeds = chart.addSeries(name + SEEDS_SUFFIX, sx, sy);
      seeds.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      seeds.setMarker(SeriesMarkers.DIAMOND);
      seeds.setMarkerColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 90));
      seeds.setShowInLegend(false);
    }
  }

  /** The sample standard deviation (n - 1); 0 for a single value, which then gets no bar. */
  static double standardDeviation(double[] v, double mean) {
    if (v.length < 2) {
      return 0;
    }
    double sum = 0;
    for (double one : v) {
      sum += (one - mean) * (one - mean);
    }
    return Math.sqrt(sum / (v.length - 1));
  }

  /** The sideways shift between series: 6% of the smallest gap between two settings. */
  private static double dodgeStep(double[] x, int series) {
    if (series < 2) {
      return 0;
    }
    double[] sorted = Arrays.stream(x).distinct().sorted().toArray();
    double gap = Double.POSITIVE_INFINITY;
    for (int i = 1; i < sorted.length; i++) {
      gap = Math.min(gap, sorted[i] - sorted[i - 1]);
    }
    return Double.isInfinite(gap) ? 0.05 : 0.06 * gap;
  }

  /** Room left and right of the outer settings so their markers and bars are not cut. */
  private static void padXAxis(XYChart chart, double[] x) {
    if (x.length == 0) {
      throw new IllegalArgumentException("no x value");
    }
    double min = Arrays.stream(x).min().orElseThrow();
    double max = Arrays.stream(x).max().orElseThrow();
    double pad = max > min ? 0.08 * (max - min) : 0.5;
    chart.getStyler().setXAxisMin(min - pad);
    chart.getStyler().setXAxisMax(max + pad);
  }
}
