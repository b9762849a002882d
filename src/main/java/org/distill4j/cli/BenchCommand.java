package org.distill4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.distill4j.bench.BenchPart;
import org.distill4j.bench.BenchReport;
import org.distill4j.bench.Benchmark;
import org.distill4j.config.Amp;
import org.distill4j.config.ErrorWords;

/** {@code bench}: step times, evaluation and loader speed, memory, for a teacher and a student. */
final class BenchCommand implements Main.Command {
  static final String TEACHER = "configs/cpu/deeplabv3p_resnet50_os8_optic_disc_cpu_teacher.yml";
  static final String STUDENT = "configs/cpu/deeplabv3p_resnet18_os8_optic_disc_cpu_student.yml";

  @Override
  public String summary() {
    return "time training, distillation, inference, evaluation and loading (--size 128"
        + " --batch_size 4 --steps 20 --only train_teacher,... --json)";
  }

  @Override
  public int run(String[] argv) {
    Args args =
        Args.parse(
            "bench",
            argv,
            Set.of("json"),
            Set.of(
                "teacher_config",
                "student_config",
                "size",
                "batch_size",
                "warmup",
                "steps",
                "num_workers",
                "memory_iters",
                "only",
                "profile",
                "amp",
                "teacher_amp"));
    Path work;
    try {
      work = Files.createTempDirectory("distill4j-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Benchmark benchmark =
          Benchmark.builder()
              .setConfigs(
                  Path.of(args.get("teacher_config", TEACHER)),
                  Path.of(args.get("student_config", STUDENT)))
              .optSize(args.intValue("size", 128))
              .optBatchSize(args.intValue("batch_size", 4))
              .optSteps(args.intValue("warmup", 5), args.intValue("steps", 20))
              .optNumWorkers(args.intValue("num_workers", 2))
              .optMemoryIters(args.intValue("memory_iters", 0))
              .optOnly(
                  args.has("only")
                      ? BenchPart.parseList(args.require("only"))
                      : EnumSet.allOf(BenchPart.class))
              .optProfile(args.has("profile") ? args.path("profile") : null)
              .optAmp(Amp.parse(args.get("amp", "none"), "--amp"))
              .optTeacherAmp(Amp.parse(args.get("teacher_amp", "none"), "--teacher_amp"))
              .setWorkDir(work)
              .optLog(line -> System.err.println("[BENCH] " + line))
              .build();
      BenchReport report = benchmark.run();
      System.out.print(args.flag("json") ? report.toJson() + "\n" : report.toText());
      return Main.OK;
    } finally {
      deleteRecursively(work); // the derived configs and the teacher's weights (about 100 MB)
    }
  }

  private static void deleteRecursively(Path dir) {
    try {
      org.distill4j.io.FileTrees.deleteRecursively(dir);
    } catch (IOException e) {
      System.err.println("warning: could not remove " + dir + ": " + ErrorWords.io(e));
    }
  }
}
