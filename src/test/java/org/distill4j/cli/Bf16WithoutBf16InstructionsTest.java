package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distill4j.testing.Bf16Cpus;
import org.distill4j.testing.Scripts;
import org.distill4j.testing.SmokeRuns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bf16 on CPUs without bfloat16 instructions, made on this machine by lowering the instruction set
 * that libtorch's oneDNN may use in a child process ({@code ONEDNN_MAX_CPU_ISA}): below AVX-512,
 * where libtorch has no oneDNN bfloat16 convolution, a run is refused in one line before it starts;
 * on AVX-512 without bfloat16 instructions it trains, with one warning.
 */
@Tag("slow")
class Bf16WithoutBf16InstructionsTest {
  @TempDir static Path tmp;
  static Path student;
  static Path teacherAmpStudent;

  @BeforeAll
  static void configs() throws Exception {
    Path data = SmokeRuns.dataset(tmp.resolve("optic"), 4, 2, 1, 64);
    student = SmokeRuns.config(tmp.resolve("student.yml"), SmokeRuns.STUDENT, data, "iters: 2\n");
    teacherAmpStudent =
        SmokeRuns.config(
            tmp.resolve("teacher_amp.yml"), SmokeRuns.STUDENT, data, "teacher_amp: bf16\n");
  }

  @Test
  void belowAvx512Bf16IsRefusedInOneLineBeforeARunStarts() throws Exception {
    assumeTrue(Bf16Cpus.x86(), "the instruction-set limit is x86's");
    Path out = tmp.resolve("refused");
    assertRefused(trainBf16("AVX2", out), "amp");
    assertFalse(Files.exists(out.resolve("iter_2")), "nothing trained");

    assertRefused(
        distill4j("AVX2", "check", "--config", student.toString(), "--amp", "bf16"), "amp");
    assertRefused(
        distill4j("AVX2", "check", "--config", teacherAmpStudent.toString()), "teacher_amp");

    Scripts.Result float32 = distill4j("AVX2", "check", "--config", student.toString());
    assertEquals(0, float32.exitCode(), float32::output);
  }

  @Test
  void onAvx512WithoutBf16InstructionsARunTrainsWithOneWarning() throws Exception {
    assumeTrue(Bf16Cpus.x86() && Bf16Cpus.avx512Core(), "needs a CPU with AVX-512 (F, BW, VL, DQ)");
    Path out = tmp.resolve("emulated");
    Scripts.Result train = trainBf16("AVX512_CORE", out);
    assertEquals(0, train.exitCode(), train::output);
    String warning =
        "warning: amp: bf16 on a CPU without bfloat16 instructions (avx512_bf16, amx_bf16;"
            + " ONEDNN_MAX_CPU_ISA=AVX512_CORE is set): oneDNN emulates them";
    assertEquals(1, occurrences(train.stderr(), warning), train::stderr);
    assertTrue(Files.isDirectory(out.resolve("iter_2")), train::output);
  }

  /** The exit code 2 and the one error line, naming the config key and the limit set. */
  private static void assertRefused(Scripts.Result result, String key) {
    assertEquals(2, result.exitCode(), result::output);
    List<String> errors = result.stderr().lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, errors.size(), result::stderr);
    String line = errors.get(0);
    assertTrue(
        line.startsWith(
            "error: "
                + key
                + ": bf16 on this CPU: libtorch has no oneDNN bfloat16 convolutions here"
                + " (they need AVX-512; ONEDNN_MAX_CPU_ISA=AVX2 is set)"),
        line);
    assertTrue(line.endsWith("use " + key + ": none"), line);
  }

  /** Two bf16 iterations of the smoke student into {@code out}, oneDNN limited to {@code isa}. */
  private static Scripts.Result trainBf16(String isa, Path out) throws Exception {
    return distill4j(
        isa,
        "train",
        "--config",
        student.toString(),
        "--amp",
        "bf16",
        "--save_interval",
        "2",
        "--save_dir",
        out.toString());
  }

  private static Scripts.Result distill4j(String isa, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(Scripts.distill4jJvm());
    cmd.addAll(List.of(command));
    return Scripts.run(cmd, Map.of("ONEDNN_MAX_CPU_ISA", isa), 300);
  }

  private static int occurrences(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
