package org.distill4j.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.distill4j.eval.SegMetrics;
import org.distill4j.train.EvalLog;
import org.distill4j.train.History;
import org.junit.jupiter.api.Test;

/** Grouped bars, shared-axis lines and the in-place display sink of live charts. */
class ChartsAdditionsTest {
  @Test
  void groupedBarsAndLinesAreChartSizedRgbImages() {
    Map<String, Map<String, Double>> series = new LinkedHashMap<>();
    series.put("mIoU", Map.of("teacher", 0.9, "student", 0.8));
    series.put("disc IoU", Map.of("teacher", 0.7));
    BufferedImage bars = Charts.groupedBars("runs", "score", series);
    assertEquals(Charts.WIDTH, bars.getWidth());
    assertEquals(Charts.HEIGHT, bars.getHeight());
    assertEquals(BufferedImage.TYPE_INT_RGB, bars.getType());

    BufferedImage lines =
        Charts.lines(
            "sweep", "coef", "mIoU", new double[] {1, 3}, Map.of("mIoU", new double[] {0.5, 0.6}));
    assertEquals(Charts.WIDTH, lines.getWidth());
    assertThrows(
        IllegalArgumentException.class,
        () -> Charts.lines("x", "x", "y", new double[] {1, 2}, Map.of("short", new double[] {1})));
  }

  @Test
  void inPlaceShowsOnceThenUpdatesTheSameDisplay() {
    List<String> calls = new ArrayList<>();
    Consumer<BufferedImage> sink =
        LiveChart.inPlace(
            img -> {
              calls.add("show " + img.getWidth());
              return "id-" + calls.size();
            },
            (id, img) -> calls.add("update " + id + " " + img.getWidth()));
    sink.accept(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
    sink.accept(new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB));
    sink.accept(new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB));
    assertEquals(List.of("show 1", "update id-1 2", "update id-1 3"), calls);
    // A second sink has its own display: its first picture is shown, not an update of id-1.
    List<String> second = new ArrayList<>();
    LiveChart.inPlace(img -> second.add("show") ? "id" : null, (id, img) -> second.add("update"))
        .accept(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
    assertEquals(List.of("show"), second);
  }

  @Test
  void metricCurvesDrawForegroundClassIouFromASingleEvaluation() {
    History history = new History();
    SegMetrics m = SegMetrics.of(new long[] {90, 3}, new long[] {95, 5}, new long[] {93, 7});
    history.onEvaluation(new EvalLog(6, m, 8, m.miou(), 6, 0.1));
    BufferedImage img = Charts.metricCurves(history, "one point");
    assertEquals(Charts.WIDTH, img.getWidth());
    assertEquals(Charts.HEIGHT, img.getHeight());
  }
}
