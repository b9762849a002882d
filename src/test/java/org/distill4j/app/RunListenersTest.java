package org.distill4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.train.ConsoleProgress;
import org.distill4j.train.History;
import org.distill4j.train.TrainingListener;
import org.distill4j.viz.ChartWriter;
import org.distill4j.viz.EvalProgress;
import org.distill4j.viz.LiveChart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each front end's preset holds exactly the listeners it promises, the history first. */
class RunListenersTest {
  @TempDir Path dir;

  private static List<Class<?>> kinds(RunListeners listeners) {
    List<Class<?>> out = new ArrayList<>();
    for (TrainingListener l : listeners.listeners()) {
      out.add(l.getClass());
    }
    return out;
  }

  @Test
  void commandLineChartsOnlyWithUseVdl() {
    assertEquals(
        List.of(History.class, ConsoleProgress.class),
        kinds(RunListeners.commandLine(dir, "train", false)));
    assertEquals(
        List.of(History.class, ConsoleProgress.class, ChartWriter.class),
        kinds(RunListeners.commandLine(dir, "train", true)));
  }

  @Test
  void tutorialLogsAndCharts() {
    assertEquals(
        List.of(History.class, ConsoleProgress.class, ChartWriter.class),
        kinds(RunListeners.tutorial(dir, "teacher")));
  }

  @Test
  void notebookPrintsPerEvaluationAndDrawsLive() {
    List<BufferedImage> drawn = new ArrayList<>();
    RunListeners notebook = RunListeners.notebook(dir, "teacher", drawn::add, 5);
    assertEquals(
        List.of(History.class, EvalProgress.class, ChartWriter.class, LiveChart.class),
        kinds(notebook));
    assertSame(notebook.history(), notebook.listeners().get(0));
  }

  @Test
  void silentKeepsTheHistoryAndExtraListenersComeLast() {
    TrainingListener extra = new TrainingListener() {};
    RunListeners silent =
        RunListeners.builder(dir, "quiet")
            .optProgress(RunListeners.Progress.SILENT)
            .addListener(extra)
            .build();
    assertEquals(2, silent.listeners().size());
    assertSame(extra, silent.listeners().get(1));
  }
}
