package org.distill4j.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.tutorial.TutorialEnvironment;
import org.distill4j.tutorial.TutorialScale;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes the four tutorial notebooks at smoke scale, headless, in order, sharing one generated
 * dataset and one run directory (as a user running them one after the other does), and checks that
 * every code cell ran and that the cells meant to draw something did. The executed notebooks are
 * written to a temporary folder; the committed ones are left alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TutorialNotebooksTest {
  private static final Path NOTEBOOKS = Path.of("notebooks");

  @TempDir static Path tmp;

  /** Runs one notebook as the {@code notebook} command would and checks the common promises. */
  private static Notebook execute(String name, List<String> imageCells) throws Exception {
    Notebook notebook = Notebook.read(NOTEBOOKS.resolve(name));
    NotebookExecutor executor =
        NotebookExecutor.builder()
            .optWorkingDirectory(NOTEBOOKS)
            .optSystemProperty(TutorialScale.SCALE_PROPERTY, "smoke")
            .optSystemProperty(TutorialEnvironment.OUTPUT_PROPERTY, tmp.resolve("runs").toString())
            .optSystemProperty(TutorialEnvironment.DATA_PROPERTY, tmp.resolve("data").toString())
            .optCellTimeout(Duration.ofMinutes(10))
            .optLog(note -> {})
            .build();
    ExecutionResult result = executor.execute(notebook);
    StringBuilder times = new StringBuilder();
    result.cellTimes().forEach(t -> times.append(' ').append(t.wallTime().toMillis() / 100 / 10.0));
    System.out.println(name + ": " + result + "; seconds per code cell:" + times);
    assertTrue(result.success(), name + ": " + result.error());
    for (Cell cell : notebook.codeCells()) {
      assertNotNull(cell.executionCount(), name + ": a code cell did not run:\n" + cell.source());
      for (Output output : cell.outputs()) {
        assertTrue(!Output.ERROR.equals(output.type()), name + ": " + output);
      }
    }
    for (String marker : imageCells) {
      Cell cell = cellContaining(notebook, marker);
      assertTrue(
          cell.outputs().stream().anyMatch(o -> o.mimeTypes().contains("image/png")),
          name + ": no image from the cell with '" + marker + "'");
    }
    Path written = tmp.resolve("executed").resolve(name);
    notebook.write(written);
    assertEquals(List.of(), Notebook.validate(written), name);
    validateWithPythonIfAvailable(written);
    return notebook;
  }

  private static Cell cellContaining(Notebook notebook, String marker) {
    List<Cell> matches = new ArrayList<>();
    for (Cell cell : notebook.codeCells()) {
      if (cell.source().contains(marker)) {
        matches.add(cell);
      }
    }
    assertEquals(1, matches.size(), "cells containing '" + marker + "'");
    return matches.get(0);
  }

  /** Jupyter's own validator, when this machine has it. */
  private static void validateWithPythonIfAvailable(Path file) throws Exception {
    var python = JupyterValidator.interpreter();
    if (python.isPresent()) {
      assertEquals(0, JupyterValidator.validate(python.get(), file), "nbformat rejects " + file);
    }
  }

  @Test
  @Order(1)
  void teacherNotebookTrainsEvaluatesAndDraws() throws Exception {
    execute(
        "01_teacher.ipynb",
        List.of(
            "PredictionPanel.rows(val, 3",
            "new LiveChart",
            "Charts.learningRate",
            "PredictionPanel.rows(val, 4"));
    Path teacher = tmp.resolve("runs/teacher");
    assertTrue(Files.isDirectory(teacher.resolve("best_model")));
    assertTrue(Files.exists(teacher.resolve("eval_log.csv")));
    assertTrue(Files.exists(teacher.resolve("loss.png")), "ChartWriter's PNG charts");
    assertTrue(Files.exists(tmp.resolve("data/train_list.txt")), "the generated dataset");
  }

  @Test
  @Order(2)
  void studentNotebookTrainsTheBaselineAndComparesCost() throws Exception {
    Notebook nb =
        execute(
            "02_student_baseline.ipynb",
            List.of("new LiveChart", "PredictionPanel.rows", "Charts.bars(\"Trainable"));
    assertTrue(Files.isDirectory(tmp.resolve("runs/student/best_model")));
    String sizes = text(cellContaining(nb, "msPerImage(SegmentationModel"));
    assertTrue(sizes.contains("ResNet50_vd") && sizes.contains("ResNet18_vd"), sizes);
    assertTrue(
        text(cellContaining(nb, "RunSummary.read(tutorial.runDir(\"teacher\"))"))
            .contains("teacher: mIoU"));
  }

  @Test
  @Order(3)
  void distillationNotebookDistilsComparesAndSweepsTheWeight() throws Exception {
    Notebook nb =
        execute(
            "03_distillation.ipynb",
            List.of(
                "TrainingResult distilled = fit(",
                "Charts.groupedBars",
                "PredictionPanel.rows",
                "Charts.lines"));
    assertTrue(Files.isDirectory(tmp.resolve("runs/distilled/best_model")));
    assertTrue(Files.exists(tmp.resolve("runs/sweep_kl_1.0/eval_log.csv")), "one extra sweep run");
    String training = text(cellContaining(nb, "TrainingResult distilled = fit("));
    assertTrue(training.contains("[DISTILL] teacher"), "the teacher is checked first");
    assertTrue(training.contains("out_distill_loss"), training);
    String sweep = text(cellContaining(nb, "double[] coefs"));
    assertEquals(
        3,
        sweep.lines().filter(l -> l.startsWith("KL weight ") && l.contains("mIoU")).count(),
        sweep);
  }

  @Test
  @Order(4)
  void intermediateTensorNotebookUsesAdaptorsConnectorAndDrawsFeatures() throws Exception {
    Notebook nb =
        execute(
            "04_intermediate_tensors.ipynb",
            List.of(
                "new LiveChart",
                "strongestChannels(teacherTaps.get(\"head.decoder.conv_bn_relu3\")",
                "distill.objective().connectors()",
                "Charts.groupedBars"));
    String table = text(cellContaining(nb, "tapShapes(input)"));
    assertTrue(
        table.contains("backbone.feat.3") && table.contains("2048") && table.contains("<- differ"),
        table);
    assertTrue(
        text(cellContaining(nb, "DistillSetup refused")).startsWith("refused: distill: entry"));
    assertTrue(text(cellContaining(nb, "TrainingResult result")).contains("feature_distill_loss"));
    assertTrue(Files.isDirectory(tmp.resolve("runs/feature_distilled/best_model")));
    String effect = text(cellContaining(nb, "outputs + features"));
    assertTrue(effect.contains("student alone") && effect.contains("outputs (KL)"), effect);
  }

  /** Everything a cell printed to stdout. */
  private static String text(Cell cell) {
    StringBuilder sb = new StringBuilder();
    for (Output o : cell.outputs()) {
      if (Output.STREAM.equals(o.type()) && "stdout".equals(o.streamName())) {
        sb.append(o.text());
      }
    }
    return sb.toString();
  }
}
