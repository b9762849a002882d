package org.distill4j.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.eval.SegMetrics;
import org.distill4j.train.EvalLog;
import org.distill4j.train.History;
import org.distill4j.train.IterationLog;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/** What makes the training charts readable: series, axes, markers, error bars, labels, titles. */
class ChartReadabilityTest {
  private static History history(double[][] lossRows) {
    History history = new History();
    for (int i = 0; i < lossRows.length; i++) {
      Map<String, Double> losses = new LinkedHashMap<>();
      losses.put("loss", lossRows[i][0]);
      losses.put("kl", lossRows[i][1]);
      history.onIteration(new IterationLog(10 * (i + 1), 100, 1, losses, 0.01, 0.1, 0, 8, 1));
    }
    return history;
  }

  private static void evaluate(History history, int iteration, int classes) {
    long[] area = new long[classes];
    java.util.Arrays.fill(area, 10);
    SegMetrics m = SegMetrics.of(area, area, area);
    history.onEvaluation(new EvalLog(iteration, m, 4, m.miou(), iteration, 0.1));
  }

  @Test
  void validationChartDrawsMiouAndDiscIouButNoPixelAccuracy() {
    History history = history(new double[][] {{0.7, 0.1}});
    evaluate(history, 10, 2);
    evaluate(history, 20, 2);
    XYChart chart = Charts.metricChart(history, "Student alone: validation");
    assertEquals(List.of("mIoU", "disc IoU"), new ArrayList<>(chart.getSeriesMap().keySet()));
    assertEquals("Student alone: validation", chart.getTitle());
    // More than two classes: the foreground classes are numbered, never called the disc.
    History three = history(new double[][] {{0.7, 0.1}});
    evaluate(three, 10, 3);
    assertEquals(
        List.of("mIoU", "IoU class 1", "IoU class 2"),
        new ArrayList<>(Charts.metricChart(three, "t").getSeriesMap().keySet()));
    BufferedImage dashboard = Charts.dashboard(history, "student alone");
    assertEquals(2 * Charts.WIDTH, dashboard.getWidth(), "loss and validation side by side");
  }

  @Test
  void lossChartUsesALogAxisAndSaysSo() {
    History history = history(new double[][] {{2.5, 0.4}, {0.3, 0.05}, {0.1, 0.02}});
    XYChart chart = LossChart.chart(history, "loss");
    assertTrue(chart.getStyler().isYAxisLogarithmic());
    assertEquals(LossChart.LOG_LOSS_AXIS, chart.getYAxisTitle());
    assertArrayEquals(
        new double[] {10, 20, 30}, chart.getSeriesMap().get("loss").getXData(), "all windows");
    assertEquals(Charts.HEIGHT, Charts.lossCurves(history, "loss").getHeight());
    // The axis spans whole decades around the data (0.02 .. 2.5), so ticks 0.1 and 1 are labelled.
    assertEquals(0.01, chart.getStyler().getYAxisMin(), 1e-12);
    assertEquals(10.0, chart.getStyler().getYAxisMax(), 1e-12);
  }

  @Test
  void aLossThatReachesZeroGetsALinearAxisWithoutTheFirstWindow() {
    History history = history(new double[][] {{2.5, 0.4}, {0.3, 0.0}, {0.1, 0.0}});
    XYChart chart = LossChart.chart(history, "loss");
    assertFalse(chart.getStyler().isYAxisLogarithmic());
    assertEquals(LossChart.SKIPPED_LOSS_AXIS, chart.getYAxisTitle());
    assertArrayEquals(new double[] {20, 30}, chart.getSeriesMap().get("loss").getXData());
    assertArrayEquals(new double[] {0.3, 0.1}, chart.getSeriesMap().get("loss").getYData());
    assertEquals(Charts.WIDTH, Charts.lossCurves(history, "loss").getWidth());
    assertEquals(Charts.WIDTH, Charts.lossCurves(new History(), null).getWidth(), "no data yet");
  }

  @Test
  void sweepDrawsMarkersOnlyWithSeedStandardDeviationAsErrorBars() {
    Map<String, double[][]> values = new LinkedHashMap<>();
    values.put("mIoU", new double[][] {{0.80, 0.84}, {0.90}, {0.70, 0.72, 0.74}});
    values.put("disc IoU", new double[][] {{0.6, 0.64}, {0.8}, {0.5, 0.5, 0.5}});
    XYChart chart = SweepChart.chart("IoU against KL weight", "KL weight", "IoU", xs(), values);
    for (XYSeries s : chart.getSeriesMap().values()) {
      assertEquals(XYSeries.XYSeriesRenderStyle.Scatter, s.getXYSeriesRenderStyle(), s.getName());
    }
    XYSeries miou = chart.getSeriesMap().get("mIoU (mean \u00b1 sd)");
    assertArrayEquals(new double[] {0.82, 0.90, 0.72}, miou.getYData(), 1e-12);
    // Sample standard deviations; the single seed at weight 3 has no bar.
    assertArrayEquals(
        new double[] {Math.sqrt(0.0008), 0, 0.02}, miou.getExtraValues(), 1e-12, "error bars");
    XYSeries seeds = chart.getSeriesMap().get("mIoU" + SweepChart.SEEDS_SUFFIX);
    assertEquals(6, seeds.getYData().length, "every seed's value is drawn");
    assertFalse(seeds.isShowInLegend());
    // The two series sit either side of each setting, close to it.
    XYSeries disc = chart.getSeriesMap().get("disc IoU (mean \u00b1 sd)");
    assertTrue(miou.getXData()[0] < 0 && disc.getXData()[0] > 0);
    assertEquals(1.0, disc.getXData()[1], 0.1);
    assertEquals(Styler.LegendPosition.OutsideS, chart.getStyler().getLegendPosition());
    assertEquals(Charts.WIDTH, Charts.sweep("t", "x", "y", xs(), values).getWidth());
  }

  @Test
  void aSweepWithOneSeedHasNoErrorBarsAndWrongLengthsAreRefused() {
    Map<String, double[][]> one = Map.of("mIoU", new double[][] {{0.8}, {0.9}, {}});
    XYChart chart = SweepChart.chart("t", "x", "y", xs(), one);
    assertEquals(List.of("mIoU"), new ArrayList<>(chart.getSeriesMap().keySet()));
    XYSeries miou = chart.getSeriesMap().get("mIoU");
    assertNull(miou.getExtraValues(), "no error bars from one seed");
    assertArrayEquals(new double[] {0, 1}, miou.getXData(), "the unmeasured setting is left out");
    assertThrows(
        IllegalArgumentException.class,
        () -> Charts.sweep("t", "x", "y", xs(), Map.of("short", new double[][] {{0.1}})));
  }

  private static double[] xs() {
    return new double[] {0, 1, 3};
  }

  @Test
  void barLabelsHaveAPrecisionThatSuitsTheValues() {
    assertEquals("0.000", Charts.valuePattern(List.of(0.912, 0.85)));
    assertEquals("0.0", Charts.valuePattern(List.of(26.8, 12.4)));
    assertEquals("0", Charts.valuePattern(List.of(412.0, 96.0)));
    assertEquals("0.00", Charts.valuePattern(List.of(3.21)));
    Map<String, Double> iou = new LinkedHashMap<>();
    iou.put("teacher", 0.9123);
    iou.put("student alone", 0.8456);
    CategoryChart bars = Charts.barChart("Validation mIoU", "mIoU", iou, "0.000");
    assertEquals("0.000", bars.getStyler().getDecimalPattern());
    assertTrue(bars.getStyler().isLabelsVisible());
    assertEquals(Charts.WIDTH, Charts.bars("Validation mIoU", "mIoU", iou).getWidth());
    assertEquals(Charts.WIDTH, Charts.bars("Parameters", "millions", iou, "0.0").getWidth());
    CategoryChart grouped =
        Charts.groupedBarChart("IoU", "IoU", Map.of("mIoU", iou, "disc IoU", iou), "0.000");
    assertEquals("0.000", grouped.getStyler().getDecimalPattern());
  }

  @Test
  void runIdsBecomeWords() {
    assertEquals("KL weight 1.0", Charts.runTitle("sweep_kl_1.0"));
    assertEquals("student alone", Charts.runTitle("student"));
    assertEquals("distilled student (seed 7)", Charts.runTitle("distilled_seed7"));
    assertEquals("student distilled on features", Charts.runTitle("feature_distilled"));
    assertEquals("my run", Charts.runTitle("my_run"));
    assertEquals("KL weight 3.0", Charts.runTitle("KL weight 3.0"), "words stay as they are");
    // The listeners that title charts put a run id into words.
    assertEquals("KL weight 1.0", new ChartWriter(new History(), null, "sweep_kl_1.0").title());
    assertEquals(
        "distilled student", new LiveChart(new History(), "distilled", 1, img -> {}).title());
  }
}
