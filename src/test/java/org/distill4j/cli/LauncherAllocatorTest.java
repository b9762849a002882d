package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.distill4j.testing.Scripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/distill4j's allocator choice: a bfloat16 run (by flag or by its config file) gets jemalloc
 * settings that return unused memory, every other run the ones that keep it.
 */
class LauncherAllocatorTest {
  @TempDir Path tmp;

  /** Exit code of the launcher's own {@code uses_bf16} with {@code args}: 0 means bf16. */
  private static int usesBf16(String args) throws Exception {
    String script = "source <(sed -n '/^uses_bf16()/,/^}/p' bin/distill4j); uses_bf16 " + args;
    return Scripts.run(List.of("bash", "-c", script), Map.of(), 30).exitCode();
  }

  @Test
  void bf16IsSeenInTheFlagAndInTheConfigFile() throws Exception {
    Path bf16 = Files.writeString(tmp.resolve("bf16.yml"), "model:\n  type: X\namp: 'bf16'\n");
    Path none = Files.writeString(tmp.resolve("none.yml"), "amp: none\n");
    Path upper = Files.writeString(tmp.resolve("upper.yml"), "amp: BF16\n");
    Path nested = Files.writeString(tmp.resolve("nested.yml"), "train:\n  amp: bf16\n");
    assertEquals(0, usesBf16("train --amp bf16 --iters 3"));
    assertEquals(0, usesBf16("train --config " + bf16));
    assertEquals(
        0, usesBf16("train --config " + upper), "the key's value in any case, as Amp reads it");
    assertEquals(
        1,
        usesBf16("distill --teacher_config " + bf16 + " --config " + none),
        "the trained model's config decides; the frozen teacher stays float32");
    assertEquals(1, usesBf16("train --amp none"));
    assertEquals(1, usesBf16("train --config " + none));
    assertEquals(1, usesBf16("train --config " + nested), "only the top-level key");
    assertEquals(1, usesBf16("train --config " + tmp.resolve("missing.yml")));
    assertEquals(1, usesBf16("bench --size 128"));
  }
}
