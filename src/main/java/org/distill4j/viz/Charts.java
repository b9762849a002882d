package org.distill4j.viz;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.distill4j.io.AtomicFiles;
import org.distill4j.train.EvalLog;
import org.distill4j.train.History;
import org.distill4j.train.IterationLog;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training charts drawn with XChart and returned as {@link BufferedImage}s, so that the CLI can
 * save them and a notebook can display them without the library knowing about either.
 */
public final class Charts {
  public static final int WIDTH = 640;
  public static final int HEIGHT = 360;

  private Charts() {}

  /** The name of the class-1 IoU series: the optic disc in the tutorial's two-class data. */
  static final String DISC_IOU = "disc IoU";

  /**
   * Every logged loss term against the iteration, on a logarithmic y axis so that the slow decrease
   * after the first iterations stays visible next to the large first values. When a term is zero or
   * negative somewhere (no log axis possible), the axis is linear and the first logged window is
   * left out instead; the axis title says which.
   */
  public static BufferedImage lossCurves(History history, String title) {
    return render(LossChart.chart(history, title));
  }

  /**
   * Validation mIoU and the IoU of each foreground class against the iteration, on a fixed 0..1
   * axis so runs can be compared by eye. With two classes (background and optic disc, the
   * tutorial's data) the foreground series is called {@code disc IoU}, the words the notebooks and
   * the progress lines use; with more classes the first three foreground classes are drawn as
   * {@code IoU class c}. Pixel accuracy is not drawn: with a small foreground it stays near 1
   * whatever the model does and says nothing about the disc.
   */
  public static BufferedImage metricCurves(History history, String title) {
    return render(metricChart(history, title));
  }

  static XYChart metricChart(History history, String title) {
    XYChart chart = xyChart(title == null ? "Validation" : title, "iteration", "IoU");
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    List<Double> x = new ArrayList<>();
    List<Double> miou = new ArrayList<>();
    int classes = 0;
    for (EvalLog log : history.evaluations()) {
      classes = Math.max(classes, log.metrics().classIou().length);
    }
    List<List<Double>> classIou = new ArrayList<>();
    for (int c = 1; c < Math.min(classes, 4); c++) {
      classIou.add(new ArrayList<>());
    }
    for (EvalLog log : history.evaluations()) {
      x.add((double) log.iteration());
      miou.add(log.metrics().miou());
      double[] iou = log.metrics().classIou();
      for (int c = 1; c <= classIou.size(); c++) {
        classIou.get(c - 1).add(c < iou.length ? iou[c] : 0.0);
      }
    }
    addLine(chart, "mIoU", x, miou, 0.0);
    for (int c = 1; c <= classIou.size(); c++) {
      addLine(chart, classes == 2 ? DISC_IOU : "IoU class " + c, x, classIou.get(c - 1), 0.0);
    }
    return chart;
  }

  /**
   * Words for a run directory name, for chart titles: {@code teacher}, {@code student alone},
   * {@code distilled student}, {@code KL weight 3.0} for {@code sweep_kl_3.0}, {@code ... (seed 7)}
   * for a {@code _seed7} suffix; any other name with its underscores as spaces.
   */
  public static String runTitle(String runId) {
    if (runId == null) {
      return null;
    }
    java.util.regex.Matcher seed =
        java.util.regex.Pattern.compile("(.+)_seed(\\d+)").matcher(runId);
    if (seed.matches()) {
      return runTitle(seed.group(1)) + " (seed " + seed.group(2) + ")";
    }
    if (runId.startsWith("sweep_kl_")) {
      return "KL weight " + runId.substring("sweep_kl_".length());
    }
    switch (runId) {
      case "student":
        return "student alone";
      case "distilled":
      case "distill":
        return "distilled student";
      case "feature_distilled":
        return "student distilled on features";
      default:
        return runId.replace('_', ' ');
    }
  }

  /** The learning rate used at each logged iteration. */
  public static BufferedImage learningRate(History history) {
    XYChart chart = xyChart("Learning rate", "iteration", "lr");
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (IterationLog log : history.iterations()) {
      x.add((double) log.iteration());
      y.add(log.learningRate());
    }
    addLine(chart, "lr", x, y, 0.0);
    return render(chart);
  }

  /**
   * A bar per named value, e.g. teacher / student / distilled mIoU, labelled with its value at the
   * precision {@link #valuePattern} picks (three decimals for scores in 0..1).
   */
  public static BufferedImage bars(String title, String yTitle, Map<String, Double> values) {
    return bars(title, yTitle, values, valuePattern(values.values()));
  }

  /**
   * As {@link #bars(String, String, Map)} with the value labels written with {@code decimalPattern}
   * (a {@link java.text.DecimalFormat} pattern such as {@code "0.0"}).
   */
  public static BufferedImage bars(
      String title, String yTitle, Map<String, Double> values, String decimalPattern) {
    return render(barChart(title, yTitle, values, decimalPattern));
  }

  static CategoryChart barChart(
      String title, String yTitle, Map<String, Double> values, String decimalPattern) {
    CategoryChart chart = categoryChart(title, yTitle, decimalPattern);
    chart.getStyler().setLegendVisible(false);
    chart.addSeries(yTitle, new ArrayList<>(values.keySet()), new ArrayList<>(values.values()));
    return chart;
  }

  /**
   * Bars grouped by category with one colour per series, e.g. categories teacher / student /
   * distilled and series mIoU / disc IoU, labelled at the precision {@link #valuePattern} picks.
   *
   * @param series series name -> (category -> value); categories are taken in first-seen order and
   *     a category a series lacks is drawn as 0
   */
  public static BufferedImage groupedBars(
      String title, String yTitle, Map<String, Map<String, Double>> series) {
    List<Double> all = new ArrayList<>();
    series.values().forEach(m -> all.addAll(m.values()));
    return groupedBars(title, yTitle, series, valuePattern(all));
  }

  /**
   * As {@link #groupedBars(String, String, Map)} with labels written with {@code decimalPattern}.
   */
  public static BufferedImage groupedBars(
      String title, String yTitle, Map<String, Map<String, Double>> series, String decimalPattern) {
    return render(groupedBarChart(title, yTitle, series, decimalPattern));
  }

  static CategoryChart groupedBarChart(
      String title, String yTitle, Map<String, Map<String, Double>> series, String decimalPattern) {
    CategoryChart chart = categoryChart(title, yTitle, decimalPattern);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    List<String> categories = new ArrayList<>();
    series
        .values()
        .forEach(
            m -> m.keySet().stream().filter(k -> !categories.contains(k)).forEach(categories::add));
    for (Map.Entry<String, Map<String, Double>> e : series.entrySet()) {
      List<Double> values = new ArrayList<>();
      for (String c : categories) {
        values.add(e.getValue().getOrDefault(c, 0.0));
      }
      chart.addSeries(e.getKey(), categories, values);
    }
    return chart;
  }

  /**
   * The label precision for bar values: three decimals for scores within 0..1 (IoU, mIoU), and for
   * larger values enough decimals for about three significant digits (26.8 million parameters, 412
   * ms).
   */
  static String valuePattern(java.util.Collection<Double> values) {
    double largest = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        largest = Math.max(largest, Math.abs(v));
      }
    }
    if (largest >= 100) {
      return "0";
    }
    if (largest >= 10) {
      return "0.0";
    }
    if (largest > 1) {
      return "0.00";
    }
    return "0.000";
  }

  private static CategoryChart categoryChart(String title, String yTitle, String decimalPattern) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setDecimalPattern(decimalPattern);
    return chart;
  }

  /**
   * Lines over a shared x axis, e.g. mIoU and disc IoU against the distillation loss weight.
   *
   * @param series name -> y values, each as long as {@code x}
   */
  public static BufferedImage lines(
      String title, String xTitle, String yTitle, double[] x, Map<String, double[]> series) {
    XYChart chart = xyChart(title, xTitle, yTitle);
    List<Double> xs = new ArrayList<>();
    for (double v : x) {
      xs.add(v);
    }
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      if (e.getValue().length != x.length) {
        throw new IllegalArgumentException(
            "series "
                + e.getKey()
                + " has "
                + e.getValue().length
                + " values for "
                + x.length
                + " x values");
      }
      List<Double> ys = new ArrayList<>();
      for (double v : e.getValue()) {
        ys.add(v);
      }
      addLine(chart, e.getKey(), xs, ys, 0.0);
    }
    return render(chart);
  }

  /**
   * Scores measured at a few settings with several seeds each, e.g. mIoU and disc IoU against the
   * KL loss weight: markers only (nothing was measured between two settings), the mean over seeds
   * with an error bar of one sample standard deviation (no bar where a setting has one seed), each
   * seed's own value as a small pale marker, and the legend below the plot.
   *
   * @param x the settings
   * @param perSeedValues series name -> one array per setting (in {@code x}'s order) holding that
   *     setting's value for each seed; an empty array marks a setting not measured
   */
  public static BufferedImage sweep(
      String title,
      String xTitle,
      String yTitle,
      double[] x,
      Map<String, double[][]> perSeedValues) {
    return render(SweepChart.chart(title, xTitle, yTitle, x, perSeedValues));
  }

  /** Side-by-side panels: the loss curves and, when there are evaluations, the metric curves. */
  public static BufferedImage dashboard(History history, String title) {
    BufferedImage loss = lossCurves(history, title == null ? null : title + ": loss");
    if (history.evaluations().isEmpty()) {
      return loss;
    }
    BufferedImage metrics = metricCurves(history, title == null ? null : title + ": validation");
    return Images.hstack(List.of(loss, metrics), 0);
  }

  /** Writes a PNG, creating parent directories. */
  public static void savePng(BufferedImage image, Path file) {
    try {
      AtomicFiles.write(
          file,
          out -> {
            if (!ImageIO.write(image, "png", out)) {
              throw new IOException("no PNG writer for " + file);
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static XYChart xyChart(String title, String xTitle, String yTitle) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(4);
    return chart;
  }

  /**
   * Adds a line series; {@code placeholder} is the y value of the single point drawn for an empty
   * series (XChart refuses empty series; a log axis refuses 0).
   */
  static void addLine(
      XYChart chart, String name, List<Double> x, List<Double> y, double placeholder) {
    if (x.isEmpty()) {
      x = List.of(0.0);
      y = List.of(placeholder);
    }
    chart
        .addSeries(name, x, y)
        .setMarker(x.size() > 30 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
  }

  static BufferedImage render(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
    BufferedImage img = BitmapEncoder.getBufferedImage(chart);
    // Ensure an opaque RGB image: notebooks and PNG writers handle it everywhere.
    if (img.getType() != BufferedImage.TYPE_INT_RGB) {
      BufferedImage rgb =
          new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
      Graphics2D g = rgb.createGraphics();
      g.drawImage(img, 0, 0, null);
      g.dispose();
      return rgb;
    }
    return img;
  }
}
