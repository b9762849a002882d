package org.distill4j.tutorial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distill4j.app.RunListeners;
import org.distill4j.cli.Main;
import org.distill4j.config.Amp;
import org.distill4j.config.ResolvedConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One recipe behind the notebooks' calls and the command line: the command a notebook prints trains
 * the very run the library call trains, and the notebook preset prints and draws what it promises.
 */
@Tag("slow")
class TutorialCommandsTest {
  @TempDir Path tmp;

  private TutorialBuilder smoke() {
    return Tutorial.builder()
        .optScale(TutorialScale.SMOKE)
        .optProjectRoot(Path.of("").toAbsolutePath())
        .optOutputDir(tmp.resolve("out"))
        .optDataRoot(tmp.resolve("data"))
        .optNumWorkers(1)
        .optEvaluationsPerRun(2);
  }

  @Test
  void thePrintedCommandTrainsTheSameRunAsTheLibraryCall() throws Exception {
    Tutorial tutorial = smoke().build();
    tutorial.ensureData();
    Tutorial.Row row = tutorial.train("student");
    List<String> command = new ArrayList<>(tutorial.commands().train("student", 0));
    int saveDir = command.indexOf("--save_dir");
    assertEquals(tutorial.runDir("student").toString(), command.get(saveDir + 1));
    Path cliRun = tmp.resolve("cli_student");
    command.set(saveDir + 1, cliRun.toString());
    assertEquals(0, Main.run(command.toArray(String[]::new), System.err));
    RunSummary fromLibrary = RunSummary.read(tutorial.runDir("student")).orElseThrow();
    RunSummary fromCli = RunSummary.read(cliRun).orElseThrow();
    assertEquals(row.miou(), fromLibrary.miou(), 1e-6, "the row is the run's best evaluation");
    assertEquals(fromLibrary.miou(), fromCli.miou(), 0.0);
    assertArrayEquals(fromLibrary.classIou(), fromCli.classIou(), 0.0);
    assertEquals(
        withoutSeconds(tutorial.runDir("student").resolve("eval_log.csv")),
        withoutSeconds(cliRun.resolve("eval_log.csv")),
        "identical evaluations");
    assertTrue(
        Files.exists(tutorial.runDir("student").resolve("config.yml")),
        "the recipe saves the resolved config beside the run");
    String shown = TutorialCommands.shown(command);
    assertTrue(shown.startsWith("bin/distill4j train \\\n    --config "), shown);
    assertTrue(shown.contains("--seed 0"), shown);
  }

  @Test
  void theTeachersPrecisionGoesIntoTheStudentsConfigOnly() {
    Tutorial plain = smoke().build();
    assertEquals(Amp.NONE, plain.config("student").seg().teacherAmp());
    Tutorial tutorial = smoke().optAmp(Amp.BF16).optTeacherAmp(Amp.BF16).build();
    assertEquals(Amp.BF16, tutorial.config("student").seg().teacherAmp());
    assertEquals(Amp.BF16, tutorial.config("student").seg().amp());
    assertFalse(
        tutorial.config("teacher").root().has(Amp.TEACHER_KEY),
        "a teacher's own training has no teacher");
    assertEquals(Amp.BF16, tutorial.config("teacher").seg().amp());
  }

  @Test
  void distillCommandNamesTheTrainedTeacherAndTheStudentVariant() {
    Tutorial tutorial = smoke().build();
    ResolvedConfig variant =
        tutorial.studentVariant(
            "student_kl_1",
            Map.of(
                "distill_loss",
                Map.of("types", List.of(Map.of("type", "KLLoss")), "coef", List.of(1))));
    assertEquals(
        1.0, variant.seg().distillLoss().orElseThrow().getDoubleArray("coef")[0], 0.0, "override");
    assertEquals(
        tutorial.config("student").seg().iters(), variant.seg().iters(), "the rest is inherited");
    List<String> command = tutorial.commands().distill("sweep_kl_1", "student_kl_1", 2);
    assertEquals("distill", command.get(0));
    assertEquals(
        tutorial.runDir("teacher").resolve("best_model").toString(),
        command.get(command.indexOf("--teacher_model") + 1));
    assertTrue(
        command.get(command.indexOf("--student_config") + 1).endsWith("student_kl_1.yml"),
        command.toString());
    assertEquals(
        tutorial.runDir("sweep_kl_1_seed2").toString(),
        command.get(command.indexOf("--save_dir") + 1));
  }

  @Test
  void notebookPresetDrawsInPlaceAndPrintsOneLinePerEvaluation() throws Exception {
    List<String> shown = new ArrayList<>();
    int[] updates = new int[1];
    Tutorial tutorial =
        smoke()
            .optProgress(RunListeners.Progress.PER_EVALUATION)
            .optLiveCharts(
                img -> {
                  shown.add("chart " + img.getWidth());
                  return "id" + shown.size();
                },
                (id, img) -> {
                  assertEquals("id1", id, "updates replace the first picture");
                  updates[0]++;
                })
            .build();
    tutorial.ensureData();
    String out = captured(() -> tutorial.train("student"));
    assertEquals(1, shown.size(), "one picture per run");
    assertTrue(updates[0] >= 1, "redrawn while training");
    long evalLines = out.lines().filter(l -> l.startsWith("iter ")).count();
    assertEquals(2, evalLines, out);
    assertFalse(out.contains("[TRAIN] epoch"), "no per-iteration log: " + out);
    assertTrue(Files.exists(tutorial.runDir("student").resolve("loss.png")));

    String quiet = captured(() -> tutorial.quiet().train("student", 1));
    assertFalse(quiet.contains("iter "), quiet);
    assertEquals(1, shown.size(), "the quiet copy draws nothing");
    assertTrue(Files.exists(tutorial.runDir("student_seed1").resolve("best_model")));
  }

  /** The evaluation log without its wall-clock {@code seconds} column. */
  private static List<String> withoutSeconds(Path evalLog) throws java.io.IOException {
    List<String> lines = Files.readAllLines(evalLog);
    int seconds = List.of(lines.get(0).split(",")).indexOf("seconds");
    assertTrue(seconds >= 0 && lines.size() > 1, lines.toString());
    List<String> kept = new ArrayList<>();
    for (String line : lines) {
      List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
      cells.remove(seconds);
      kept.add(String.join(",", cells));
    }
    return kept;
  }

  private static String captured(Runnable action) {
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setOut(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
