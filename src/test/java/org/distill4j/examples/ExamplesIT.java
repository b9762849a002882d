package org.distill4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distill4j.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the programs in {@code examples/} the way a user's script would: a plain {@code java -cp
 * distill4j.jar:<its dependencies> examples/X.java} child process (Java source-file mode), against
 * the packaged jar. Run by the failsafe plugin in the {@code package} phase, after the jar exists.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExamplesIT {
  private static final Pattern MIOU = Pattern.compile("^(.+) mIoU: ([0-9.]+)", Pattern.MULTILINE);
  @TempDir static Path tmp;
  static Path teacherYml;
  static Path studentYml;

  @BeforeAll
  static void dataAndConfigs() throws IOException {
    Path data = tmp.resolve("optic");
    String[] makeDataset = {
      "make-dataset",
      "--out",
      data.toString(),
      "--train",
      "4",
      "--val",
      "2",
      "--test",
      "1",
      "--width",
      "64",
      "--height",
      "64"
    };
    assertEquals(0, Main.run(makeDataset, System.err));
    teacherYml = smokeConfig("deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml", data);
    studentYml = smokeConfig("deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml", data);
  }

  /** The smoke config at one iteration, reading the generated data. */
  private static Path smokeConfig(String name, Path data) throws IOException {
    Path base = Paths.get("configs/smoke", name).toAbsolutePath();
    Path yml = tmp.resolve(name);
    Files.writeString(
        yml,
        "_base_: '"
            + base
            + "'\niters: 1\ntrain_dataset: {dataset_root: '"
            + data
            + "'}\nval_dataset: {dataset_root: '"
            + data
            + "'}\n");
    return yml;
  }

  @Test
  @Order(1)
  void trainAndDistillPrintsTheMiouOfEachRun() throws Exception {
    Map<String, Double> miou =
        runExample(
            "TrainAndDistill.java",
            teacherYml.toString(),
            studentYml.toString(),
            tmp.resolve("out").toString());
    assertEquals(List.of("teacher", "student", "distilled"), List.copyOf(miou.keySet()));
    assertTrue(Files.isDirectory(tmp.resolve("out/teacher/best_model")), "teacher checkpoint");
  }

  @Test
  @Order(2)
  void distillInCodePrintsTheMiouOfTheStudent() throws Exception {
    Path teacherWeights = tmp.resolve("out/teacher/best_model");
    if (!Files.isDirectory(teacherWeights)) {
      runExample(
          "TrainAndDistill.java",
          teacherYml.toString(),
          studentYml.toString(),
          tmp.resolve("out").toString());
    }
    Map<String, Double> miou =
        runExample(
            "DistillInCode.java",
            teacherYml.toString(),
            studentYml.toString(),
            teacherWeights.toString(),
            tmp.resolve("in_code").toString());
    assertEquals(List.of("distilled in code"), List.copyOf(miou.keySet()));
  }

  /** Runs one example in a child JVM; returns its "role mIoU: x" lines, each checked in [0, 1]. */
  private static Map<String, Double> runExample(String file, String... args) throws Exception {
    Path jar = Paths.get("target/distill4j.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "run after the jar is built (mvn package)");
    String deps = Files.readString(Paths.get("target/classpath.txt")).trim();
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx2g",
            "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=2",
            "-Dai.djl.pytorch.num_interop_threads=1",
            "-Djava.awt.headless=true",
            "-cp",
            jar + java.io.File.pathSeparator + deps,
            Paths.get("examples", file).toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Path log = tmp.resolve(file + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().put("DJL_OFFLINE", "true");
    Process process = builder.start();
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(finished, file + " did not finish in 5 minutes:\n" + output);
    assertEquals(0, process.exitValue(), file + " failed:\n" + output);
    Map<String, Double> miou = new LinkedHashMap<>();
    Matcher m = MIOU.matcher(output);
    while (m.find()) {
      if (!m.group(1).startsWith("[")) { // skip the trainer's own [EVAL] lines
        double value = Double.parseDouble(m.group(2));
        assertTrue(value >= 0 && value <= 1, m.group() + " is outside [0, 1]");
        miou.put(m.group(1), value);
      }
    }
    return miou;
  }
}
