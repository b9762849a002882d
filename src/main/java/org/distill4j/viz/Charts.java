package org.distill4j.viz;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
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

  /** Every logged loss term against the iteration. */
  public static BufferedImage lossCurves(History history, String title) {
    XYChart chart = xyChart(title == null ? "Training loss" : title, "iteration", "loss");
    List<IterationLog> logs = history.iterations();
    for (String name : history.lossNames()) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (IterationLog log : logs) {
        Double v = log.losses().get(name);
        if (v != null) {
          x.add((double) log.iteration());
          y.add(v);
        }
      }
      addLine(chart, name, x, y);
    }
    return render(chart);
  }

  /**
   * Validation mIoU, pixel accuracy and the IoU of each foreground class (up to three) against the
   * iteration, on a fixed 0..1 axis so runs can be compared by eye.
   */
  public static BufferedImage metricCurves(History history, String title) {
    XYChart chart = xyChart(title == null ? "Validation" : title, "iteration", "score");
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    List<Double> x = new ArrayList<>();
    List<Double> miou = new ArrayList<>();
    List<Double> acc = new ArrayList<>();
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
      acc.add(log.metrics().acc());
      double[] iou = log.metrics().classIou();
      for (int c = 1; c <= classIou.size(); c++) {
        classIou.get(c - 1).add(c < iou.length ? iou[c] : 0.0);
      }
    }
    addLine(chart, "mIoU", x, miou);
    addLine(chart, "Acc", x, acc);
    for (int c = 1; c <= classIou.size(); c++) {
      addLine(chart, "IoU class " + c, x, classIou.get(c - 1));
    }
    return render(chart);
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
    addLine(chart, "lr", x, y);
    return render(chart);
  }

  /** A bar per named value, e.g. teacher / student / distilled mIoU. */
  public static BufferedImage bars(String title, String yTitle, Map<String, Double> values) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setDecimalPattern("0.0000");
    chart.addSeries(yTitle, new ArrayList<>(values.keySet()), new ArrayList<>(values.values()));
    return render(chart);
  }

  /**
   * Bars grouped by category with one colour per series, e.g. categories teacher / student /
   * distilled and series mIoU / disc IoU.
   *
   * @param series series name -> (category -> value); categories are taken in first-seen order and
   *     a category a series lacks is drawn as 0
   */
  public static BufferedImage groupedBars(
      String title, String yTitle, Map<String, Map<String, Double>> series) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setDecimalPattern("0.000");
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
    return render(chart);
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
      addLine(chart, e.getKey(), xs, ys);
    }
    return render(chart);
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
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      ImageIO.write(image, "png", tmp.toFile());
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static XYChart xyChart(String title, String xTitle, String yTitle) {
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

  private static void addLine(XYChart chart, String name, List<Double> x, List<Double> y) {
    if (x.isEmpty()) {
      // XChart refuses empty series; a single NaN-free placeholder keeps the axes drawable.
      x = List.of(0.0);
      y = List.of(0.0);
    }
    chart
        .addSeries(name, x, y)
        .setMarker(x.size() > 30 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
  }

  private static BufferedImage render(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
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
