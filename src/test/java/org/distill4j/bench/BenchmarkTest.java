package org.distill4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.cli.Main;
import org.distill4j.config.Amp;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.config.SegConfig;
import org.distill4j.testing.Bf16Cpus;
import org.distill4j.testing.SmokeRuns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The benchmark at a tiny size: every measurement present and plausible, as text and JSON. */
@Tag("slow")
class BenchmarkTest {
  @TempDir static Path tmp;
  static Path teacher;
  static Path student;

  @BeforeAll
  static void tinyDataAndConfigs() throws Exception {
    Path data = tmp.resolve("optic");
    SmokeRuns.dataset(data, 8, 2, 1, 48);
    teacher = SmokeRuns.config(tmp.resolve("teacher.yml"), SmokeRuns.TEACHER, data, "");
    student = SmokeRuns.config(tmp.resolve("student.yml"), SmokeRuns.STUDENT, data, "");
  }

  @Test
  void everyMeasurementIsThereWithSaneValues() {
    BenchReport report =
        Benchmark.builder()
            .setConfigs(teacher, student)
            .optSize(32)
            .optBatchSize(2)
            .optSteps(1, 3)
            .optNumWorkers(1)
            .optMemoryIters(3)
            .setWorkDir(tmp.resolve("work"))
            .build()
            .run();
    JsonObject results =
        JsonParser.parseString(report.toJson()).getAsJsonObject().getAsJsonObject("results");
    for (String timing :
        List.of(
            "train step ms, student",
            "train step ms, teacher",
            "distill step ms, KL",
            "distill step ms, KL + channel-wise x2",
            "distill step ms, KL, teacher cache",
            "teacher inference forward ms")) {
      JsonObject s = results.getAsJsonObject(timing);
      assertEquals(3, s.get("count").getAsInt(), timing);
      double median = s.get("median").getAsDouble();
      assertTrue(median > 0 && median < 60_000, timing + " " + median);
      assertTrue(s.get("p10").getAsDouble() <= median && median <= s.get("p90").getAsDouble());
    }
    assertTrue(results.get("teacher cache build s").getAsDouble() > 0);
    assertTrue(results.get("eval images/s, student").getAsDouble() > 0);
    assertTrue(results.get("loader batches/s, 1 workers").getAsDouble() > 0);
    double peak = results.get("peak RSS MiB").getAsDouble();
    double train = results.get("train RSS MiB at iteration 3").getAsDouble();
    assertTrue(train > 50 && train <= peak, train + " vs peak " + peak);
    assertTrue(results.has("distill RSS growth %"));
    String text = report.toText();
    assertTrue(text.contains("distill step ms, KL + channel-wise x2"), text);
    // The header line, seven context lines (engine, cores, input, warmup/steps, amp, teacher_amp,
    // data).
    assertEquals(results.size() + 1 + 7, text.lines().count(), text);
    assertTrue(text.contains("# amp: none"), text);
    assertTrue(text.contains("# teacher_amp: none"), text);
    assertTrue(text.contains("the student config's datasets"), text);
  }

  @Test
  void withoutTheConfigsDatasetTheBenchmarkGeneratesItsOwn() throws Exception {
    Path nowhere = tmp.resolve("no_such_dataset");
    Path config =
        Files.writeString(
            tmp.resolve("student_without_data.yml"),
            "_base_: '"
                + student.toAbsolutePath()
                + "'\ntrain_dataset: {dataset_root: '"
                + nowhere
                + "'}\n");
    List<String> log = new java.util.ArrayList<>();
    Path work = tmp.resolve("work_generated");
    Benchmark benchmark =
        Benchmark.builder()
            .setConfigs(teacher, config)
            .optSize(32)
            .setWorkDir(work)
            .optLog(log::add)
            .build();
    Path generated = benchmark.benchData();
    assertTrue(generated.startsWith(work), generated.toString());
    assertTrue(Files.isRegularFile(generated.resolve("train_list.txt")));
    assertTrue(Files.isRegularFile(generated.resolve("val_list.txt")));
    assertTrue(
        log.get(0).contains(nowhere + " not found; generated the synthetic set"), log.get(0));
    assertTrue(Files.notExists(nowhere), "nothing is written where the config points");
    assertEquals(
        null,
        Benchmark.builder()
            .setConfigs(teacher, student)
            .setWorkDir(work)
            .optLog(log::add)
            .build()
            .benchData(),
        "an existing dataset is used as it is");
  }

  @Test
  void onlyTheNamedPartsAreMeasured() {
    Path work = tmp.resolve("work_only");
    BenchReport report =
        Benchmark.builder()
            .setConfigs(teacher, student)
            .optSize(32)
            .optBatchSize(2)
            .optSteps(0, 2)
            .optNumWorkers(0)
            .optOnly(BenchPart.parseList("train_teacher,eval"))
            .setWorkDir(work)
            .build()
            .run();
    assertEquals(
        List.of("train step ms, teacher", "eval images/s, student", "peak RSS MiB"),
        List.copyOf(report.results().keySet()));
    assertTrue(
        Files.notExists(work.resolve("teacher_initial")),
        "no distillation part, so no teacher weights are written");
  }

  @Test
  void theTeachersPrecisionGoesIntoTheDistillationConfig() {
    Bf16Cpus.assumeBf16RunsHere();
    Path work = tmp.resolve("work_bf16_teacher");
    ResolvedConfig derived =
        BenchConfigs.derive(student, work, "student", 32, 2, 3, null, Amp.NONE, Amp.BF16);
    assertEquals(Amp.BF16, new SegConfig(derived.root()).teacherAmp());
    assertEquals(Amp.NONE, new SegConfig(derived.root()).amp());
    BenchReport report =
        Benchmark.builder()
            .setConfigs(teacher, student)
            .optSize(32)
            .optBatchSize(2)
            .optSteps(0, 2)
            .optNumWorkers(0)
            .optAmp(Amp.BF16)
            .optTeacherAmp(Amp.BF16)
            .optOnly(BenchPart.parseList("distill,inference"))
            .setWorkDir(work)
            .build()
            .run();
    assertEquals(
        List.of("distill step ms, KL", "teacher inference forward ms", "peak RSS MiB"),
        List.copyOf(report.results().keySet()));
    String text = report.toText();
    assertTrue(text.contains("# amp: bf16") && text.contains("# teacher_amp: bf16"), text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"train_student", "inference"})
  void aProfileOfTheTimedStepsIsWrittenAndSummarised(String part) {
    for (int run = 0; run < 2; run++) { // the second run shows the profiler was switched off
      Path trace = tmp.resolve(part + "_trace" + run + ".json");
      List<String> log = new ArrayList<>();
      Benchmark.builder()
          .setConfigs(teacher, student)
          .optSize(32)
          .optBatchSize(2)
          .optSteps(1, 2)
          .optNumWorkers(0)
          .optOnly(BenchPart.parseList(part))
          .optProfile(trace)
          .optLog(log::add)
          .setWorkDir(tmp.resolve("work_profile_" + part + run))
          .build()
          .run();
      OpProfile profile = OpProfile.read(trace);
      assertTrue(
          profile.ops().stream().anyMatch(op -> op.name().contains("convolution")),
          profile.ops().toString());
      assertEquals(
          part.startsWith("train"),
          profile.ops().stream().anyMatch(op -> op.name().contains("convolution_backward")),
          "a backward pass in the profile of " + part + ": " + profile.ops());
      String summary = String.join("\n", log);
      assertTrue(summary.contains("profile of the 2 timed steps"), summary);
      assertTrue(summary.contains("operator (host self time)"), summary);
    }
  }

  @Test
  void badArgumentsAreOneLineErrors() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"bench", "--student_config", student.toString(), "--size", "0"},
            new PrintStream(err, true));
    assertEquals(2, code);
    String message = err.toString().strip();
    assertTrue(message.contains("--size must be a positive integer, got 0"), message);
    assertEquals(1, message.lines().filter(l -> l.startsWith("error")).count(), message);
  }
}
