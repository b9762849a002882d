package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.distill4j.engine.ScriptedOps;
import org.distill4j.testing.Scripts;
import org.distill4j.testing.SmokeRuns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the TorchScript kernels switched off ({@code -Ddistill4j.scripted_ops=false}, a new JVM,
 * since they load once per process): training still runs, on the per-parameter update and DJL's
 * interpolate, and {@code --amp bf16} is refused in one line that says why and what to do.
 */
@Tag("slow")
class ScriptedOpsOffTest {
  @TempDir static Path tmp;
  static Path config;

  @BeforeAll
  static void data() throws Exception {
    Path data = tmp.resolve("optic");
    SmokeRuns.dataset(data, 4, 2, 1, 64);
    config = SmokeRuns.config(tmp.resolve("c.yml"), SmokeRuns.STUDENT, data, "");
  }

  private static Scripts.Result train(String... flags) throws Exception {
    List<String> cmd = Scripts.distill4jJvm("-D" + ScriptedOps.ENABLED_PROPERTY + "=false");
    cmd.addAll(
        List.of("train", "--config", config.toString(), "--iters", "2", "--save_interval", "2"));
    cmd.addAll(List.of(flags));
    return Scripts.run(cmd, Map.of(), 300);
  }

  @Test
  void trainingRunsWithoutThemAndBf16IsRefusedInOneLine() throws Exception {
    Path out = tmp.resolve("fp32");
    Scripts.Result ok = train("--save_dir", out.toString());
    assertEquals(0, ok.exitCode(), ok.output());
    assertTrue(Files.isRegularFile(out.resolve("iter_2").resolve("model.params")), ok.output());

    Scripts.Result refused = train("--save_dir", tmp.resolve("bf16").toString(), "--amp", "bf16");
    assertEquals(Main.USAGE, refused.exitCode(), refused.output());
    List<String> errors = refused.stderr().lines().filter(l -> l.startsWith("error:")).toList();
    assertEquals(
        List.of(
            "error: amp: bf16 needs distill4j's TorchScript kernels, which are unavailable here"
                + " (switched off by -Ddistill4j.scripted_ops=false); use amp: none"),
        errors,
        refused.output());
  }
}
