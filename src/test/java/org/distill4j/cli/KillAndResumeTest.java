package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.distill4j.models.Checksums;
import org.distill4j.testing.Scripts;
import org.distill4j.testing.SmokeRuns;
import org.distill4j.train.Checkpoints;
import org.distill4j.train.RunProvenance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real child process is killed with SIGKILL at a random moment after its first checkpoint; a
 * second process resumes from the newest complete {@code iter_N} into the same directory, and its
 * weights, logs and metrics equal, byte for byte, those of a run that was never interrupted.
 */
@Tag("slow")
class KillAndResumeTest {
  private static final int ITERS = 10;
  @TempDir static Path tmp;
  static Path data;
  static Path studentConfig;
  static Path featureStudentConfig;
  static Path teacherWeights;

  @BeforeAll
  static void dataAndTeacher() throws Exception {
    data = tmp.resolve("optic");
    SmokeRuns.dataset(data, 8, 3, 1, 64);
    String common = SmokeRuns.baseYaml(SmokeRuns.STUDENT, data) + "iters: " + ITERS + "\n";
    studentConfig = tmp.resolve("student.yml");
    Files.writeString(studentConfig, common);
    featureStudentConfig = tmp.resolve("student_features.yml");
    Files.writeString(
        featureStudentConfig,
        common
            + "distill:\n"
            + "  student_adaptor: {hidden_0: backbone.stage3}\n"
            + "  teacher_adaptor: {hidden_0: backbone.stage3}\n"
            + "  entries:\n"
            + "    - {feature_type: hidden, s_feature_idx: 0, t_feature_idx: 0,"
            + " loss_function: L1Loss, weight: 0.5, connector: true}\n");
    Path teacherOut = tmp.resolve("teacher");
    assertEquals(
        0,
        Main.run(
            new String[] {
              "train",
              "--config",
              studentConfig.toString(),
              "--iters",
              "2",
              "--save_interval",
              "2",
              "--save_dir",
              teacherOut.toString()
            },
            System.err));
    teacherWeights = teacherOut.resolve("iter_2");
  }

  @Test
  void trainingKilledAtARandomMomentResumesBitForBit() throws Exception {
    killResumeAndCompare(
        "train", List.of("train", "--config", studentConfig.toString()), new Random(11));
  }

  @Test
  void distillationKilledAtARandomMomentResumesBitForBit() throws Exception {
    killResumeAndCompare(
        "distill",
        List.of(
            "distill",
            "--teacher_config",
            studentConfig.toString(),
            "--student_config",
            featureStudentConfig.toString(),
            "--teacher_model",
            teacherWeights.toString()),
        new Random(12));
  }

  private static void killResumeAndCompare(String name, List<String> command, Random random)
      throws Exception {
    List<String> run = new ArrayList<>(command);
    run.addAll(List.of("--save_interval", "2", "--log_iters", "1", "--do_eval", "--seed", "5"));
    Path reference = tmp.resolve(name + "_reference");
    Path killed = tmp.resolve(name + "_killed");

    assertEquals(0, child(run, reference, null).waitFor(), () -> log(reference));

    // Kill somewhere between the first checkpoint and the end of the run.
    Process victim = child(run, killed, null);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.isDirectory(killed.resolve("iter_2")) && System.nanoTime() < deadline) {
      assertTrue(
          victim.isAlive(), () -> "the run ended before its first checkpoint\n" + log(killed));
      Thread.sleep(20);
    }
    long delayMs = random.nextInt(1000); // well before the run can end on a fast machine
    Thread.sleep(delayMs);
    victim.destroyForcibly(); // SIGKILL on Linux
    assertTrue(victim.waitFor(60, TimeUnit.SECONDS));
    assertNotEquals(0, victim.exitValue(), "killed " + delayMs + " ms after iter_2");

    List<Path> complete = new Checkpoints(killed).iterationDirs();
    Path newest = complete.get(complete.size() - 1);
    int resumedFrom = Checkpoints.parseIteration(newest);
    assertTrue(resumedFrom < ITERS, "the kill came after the last checkpoint; nothing to resume");
    Checksums.verifyAll(newest);

    assertEquals(0, child(run, killed, newest).waitFor(), () -> log(killed));

    String where = name + ", killed " + delayMs + " ms after iter_2, resumed from " + newest;
    // Weights, optimizer state, connectors and config; the loop-state and provenance files carry a
    // timestamp (and so do the manifest's lines for them), so they are compared by value.
    Path last = reference.resolve("iter_" + ITERS);
    List<String> compared = new ArrayList<>();
    try (var files = Files.list(last)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String fileName = file.getFileName().toString();
        if (fileName.equals(Checkpoints.STATE_FILE)
            || fileName.equals(Checksums.MANIFEST)
            || fileName.equals(RunProvenance.FILE_NAME)) {
          continue;
        }
        compared.add(fileName);
        assertArrayEquals(
            Files.readAllBytes(file),
            Files.readAllBytes(killed.resolve("iter_" + ITERS).resolve(fileName)),
            where + ": iter_" + ITERS + "/" + fileName);
      }
    }
    assertTrue(compared.containsAll(List.of("model.params", Checkpoints.OPTIMIZER_FILE)), where);
    assertEquals(
        Checkpoints.readState(last.resolve(Checkpoints.STATE_FILE)),
        Checkpoints.readState(killed.resolve("iter_" + ITERS).resolve(Checkpoints.STATE_FILE)),
        where + ": loop state");
    RunProvenance before = RunProvenance.read(last).orElseThrow();
    RunProvenance after = RunProvenance.read(killed.resolve("iter_" + ITERS)).orElseThrow();
    assertEquals(
        List.of(before.seed(), before.iters(), before.batchSize(), before.configSha256()),
        List.of(after.seed(), after.iters(), after.batchSize(), after.configSha256()),
        where + ": provenance");
    assertArrayEquals(
        Files.readAllBytes(reference.resolve("best_model").resolve("model.params")),
        Files.readAllBytes(killed.resolve("best_model").resolve("model.params")),
        where + ": best_model");
    assertEquals(
        lossAndMetricColumns(reference.resolve("train_log.csv"), 2),
        lossAndMetricColumns(killed.resolve("train_log.csv"), 2),
        where + ": train_log.csv");
    assertEquals(
        lossAndMetricColumns(reference.resolve("eval_log.csv"), 1),
        lossAndMetricColumns(killed.resolve("eval_log.csv"), 1),
        where + ": eval_log.csv");
    assertFalse(Files.readString(killed.resolve("train_log.csv")).isBlank(), "the log was written");
  }

  /** Every row of a history CSV without its timing columns (they differ from run to run). */
  private static List<String> lossAndMetricColumns(Path csv, int timingColumnsDropped)
      throws IOException {
    List<String> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(csv);
    List<String> header = List.of(lines.get(0).split(","));
    for (String line : lines) {
      String[] cells = line.split(",");
      List<String> kept = new ArrayList<>();
      for (int i = 0; i < cells.length; i++) {
        String column = header.get(i);
        if (!List.of("batch_cost", "reader_cost", "ips", "seconds").contains(column)) {
          kept.add(cells[i]);
        }
      }
      rows.add(String.join(",", kept));
    }
    assertTrue(rows.size() > timingColumnsDropped, csv + " has rows");
    return rows;
  }

  /** Starts {@code bin/distill4j}'s main class in a new JVM with the test's classpath. */
  private static Process child(List<String> args, Path saveDir, Path resumeFrom)
      throws IOException {
    List<String> cmd = Scripts.distill4jJvm("-Xmx2g");
    cmd.addAll(args);
    cmd.addAll(List.of("--save_dir", saveDir.toString()));
    if (resumeFrom != null) {
      cmd.addAll(List.of("--resume_model", resumeFrom.toString()));
    }
    Files.createDirectories(tmp.resolve("logs"));
    File out = tmp.resolve("logs").resolve(saveDir.getFileName() + ".log").toFile();
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out))
        .start();
  }

  private static String log(Path saveDir) {
    try {
      List<String> lines =
          Files.readAllLines(tmp.resolve("logs").resolve(saveDir.getFileName() + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
