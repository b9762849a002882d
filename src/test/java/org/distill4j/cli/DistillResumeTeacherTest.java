package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.testing.SmokeRuns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distillation run resumes only with the teacher it started with: another teacher (other weights
 * behind the same config) would silently change what the student learns from.
 */
@Tag("slow")
class DistillResumeTeacherTest {
  @TempDir static Path tmp;
  static Path teacherConfig;
  static Path studentConfig;

  @BeforeAll
  static void twoTeachersAndAnInterruptedRun() throws Exception {
    Path data = SmokeRuns.dataset(tmp.resolve("data"), 4, 2, 1, 64);
    teacherConfig = SmokeRuns.config(tmp.resolve("teacher.yml"), SmokeRuns.TEACHER, data, "");
    studentConfig =
        SmokeRuns.config(
            tmp.resolve("student.yml"), SmokeRuns.STUDENT, data, "iters: 2\nbatch_size: 2\n");
    for (int seed = 0; seed < 2; seed++) {
      assertEquals(
          0,
          Main.run(
              new String[] {
                "train",
                "--config",
                teacherConfig.toString(),
                "--iters",
                "1",
                "--save_interval",
                "1",
                "--seed",
                Integer.toString(seed),
                "--save_dir",
                tmp.resolve("teacher" + seed).toString()
              },
              System.err));
    }
    assertEquals(0, distill("teacher0", List.of()).code);
    assertTrue(Files.isDirectory(tmp.resolve("kd").resolve("iter_1")));
  }

  private record Outcome(int code, String err) {}

  private static Outcome distill(String teacher, List<String> more) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "distill",
                "--teacher_config",
                teacherConfig.toString(),
                "--teacher_model",
                tmp.resolve(teacher).resolve("iter_1").toString(),
                "--student_config",
                studentConfig.toString(),
                "--save_interval",
                "1",
                "--save_dir",
                tmp.resolve("kd").toString()));
    argv.addAll(more);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code =
        Main.run(argv.toArray(String[]::new), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return new Outcome(code, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void anotherTeacherIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path teacherFile = tmp.resolve("kd").resolve("teacher_config.yml");
    String before = Files.readString(teacherFile);
    Outcome o = distill("teacher1", List.of("--resume_model", tmp.resolve("kd/iter_1").toString()));
    assertEquals(Main.USAGE, o.code, o.err);
    assertTrue(o.err.contains("differs from the one the checkpoint"), o.err);
    assertEquals(1, o.err.strip().lines().count(), "one line: " + o.err);
    assertEquals(before, Files.readString(teacherFile), "the run's teacher record is untouched");
  }

  @Test
  void theSameTeacherResumes() {
    Outcome o = distill("teacher0", List.of("--resume_model", tmp.resolve("kd/iter_1").toString()));
    assertEquals(0, o.code, o.err);
  }
}
