package org.distill4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.distill4j.testing.Scripts;
import org.distill4j.testing.SmokeRuns;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench/scaling.sh}: one bench process per (size, batch) point, and a Markdown table with a
 * row per point whose cheapest-per-pixel point is 1.00. Run on tiny configs through the compiled
 * classes (the jar does not exist yet when the unit tests run).
 */
@Tag("slow")
class ScalingScriptTest {
  private static final Path ROOT = Scripts.ROOT;

  @TempDir Path tmp;

  @Test
  void aRowPerPointAndTheBestPointIsOne() throws Exception {
    Path data = tmp.resolve("optic");
    SmokeRuns.dataset(data, 6, 2, 1, 48);
    Path teacher = SmokeRuns.config(tmp.resolve("teacher.yml"), SmokeRuns.TEACHER, data, "");
    Path student = SmokeRuns.config(tmp.resolve("student.yml"), SmokeRuns.STUDENT, data, "");
    Path launcher = tmp.resolve("distill4j");
    String classPath =
        ROOT.resolve("target/classes") + File.pathSeparator + ROOT.resolve("target/lib") + "/*";
    Files.writeString(
        launcher,
        "#!/usr/bin/env bash\nexec java -Xss4m -Djava.awt.headless=true -cp '"
            + classPath
            + "' org.distill4j.cli.Main \"$@\"\n");
    launcher.toFile().setExecutable(true);

    Scripts.Result result =
        Scripts.run(
            List.of(
                "bash",
                "bench/scaling.sh",
                "--sizes",
                "32,48",
                "--batches",
                "1,2",
                "--models",
                "student",
                "--warmup",
                "0",
                "--steps",
                "1",
                "--out",
                tmp.resolve("points").toString()),
            Map.of(
                "DISTILL4J",
                launcher.toString(),
                "BENCH_ARGS",
                "--teacher_config " + teacher + " --student_config " + student),
            300);
    assertEquals(0, result.exitCode(), result.stderr());
    String table = result.stdout();

    List<String> rows = table.lines().filter(l -> l.startsWith("| student")).toList();
    assertEquals(4, rows.size(), table);
    assertTrue(rows.get(0).startsWith("| student | 32x32 | 1 |"), table);
    assertTrue(rows.get(3).startsWith("| student | 48x48 | 2 |"), table);
    List<Double> relative =
        rows.stream().map(r -> Double.parseDouble(r.split("\\|")[6].strip())).toList();
    assertEquals(1.0, relative.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
    assertTrue(relative.stream().allMatch(x -> x >= 1.0), table);
    assertTrue(Files.isRegularFile(tmp.resolve("points/student-48-2.json")));
  }

  @Test
  void unknownModelIsRefusedInOneLine() throws Exception {
    Scripts.Result result =
        Scripts.run(List.of("bash", "bench/scaling.sh", "--models", "studnet"), Map.of(), 30);
    assertEquals(2, result.exitCode(), result.output());
    assertEquals(1, result.output().strip().lines().count(), result.output());
    assertTrue(result.output().contains("unknown model 'studnet'"), result.output());
  }
}
