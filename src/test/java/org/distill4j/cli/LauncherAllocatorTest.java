package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.testing.Scripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/distill4j's allocator choice: jemalloc when installed, with decay off and {@code
 * lg_extent_max_active_fit:12} for every run (float32 and bf16 alike), glibc's tunables otherwise;
 * what the user set is kept.
 */
class LauncherAllocatorTest {
  @TempDir Path tmp;

  /**
   * The environment the launcher's {@code choose_allocator} (bin/allocator.sh) exports, given the
   * jemalloc libraries to look for and the caller's environment:
   * "LD_PRELOAD|MALLOC_CONF|GLIBC_TUNABLES".
   */
  private static String chosen(List<String> candidates, Map<String, String> env) throws Exception {
    String script =
        "source bin/allocator.sh; choose_allocator "
            + String.join(" ", candidates)
            + "; echo \"${LD_PRELOAD:-}|${MALLOC_CONF:-}|${GLIBC_TUNABLES:-}\"";
    Map<String, String> clean = new HashMap<>(env);
    for (String name :
        List.of("LD_PRELOAD", "MALLOC_CONF", "GLIBC_TUNABLES", "DISTILL4J_ALLOCATOR")) {
      clean.putIfAbsent(name, "");
    }
    Scripts.Result r = Scripts.run(List.of("bash", "-c", script), clean, 30);
    assertEquals(0, r.exitCode(), r.output());
    return r.stdout().strip();
  }

  @Test
  void jemallocKeepsFreedMemoryAndReusesLargeBlocksForEveryRun() throws Exception {
    Path jemalloc = Files.writeString(tmp.resolve("libjemalloc.so.2"), "");
    String missing = tmp.resolve("absent.so").toString();
    assertEquals(
        jemalloc + "|dirty_decay_ms:-1,muzzy_decay_ms:-1,lg_extent_max_active_fit:12|",
        chosen(List.of(missing, jemalloc.toString()), Map.of()));
    assertEquals(
        jemalloc + "|narenas:1|",
        chosen(List.of(jemalloc.toString()), Map.of("MALLOC_CONF", "narenas:1")),
        "the user's own MALLOC_CONF wins");
  }

  @Test
  void withoutJemallocGlibcKeepsFreedMemory() throws Exception {
    assertEquals(
        "||glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184",
        chosen(List.of(tmp.resolve("absent.so").toString()), Map.of()));
  }

  @Test
  void theLauncherTakesItsAllocatorFromTheSharedScript() throws Exception {
    String launcher = Files.readString(Path.of("bin/distill4j"));
    assertTrue(launcher.contains("source \"$root/bin/allocator.sh\"\nchoose_default_allocator\n"));
    // The default list finds this machine's jemalloc where one is installed in a known place.
    Scripts.Result r =
        Scripts.run(
            List.of(
                "bash",
                "-c",
                "source bin/allocator.sh; choose_default_allocator; echo \"${LD_PRELOAD:-}\""),
            Map.of("LD_PRELOAD", "", "MALLOC_CONF", "", "DISTILL4J_ALLOCATOR", ""),
            30);
    assertEquals(0, r.exitCode(), r.output());
    String found =
        List.of(
                "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
                "/usr/lib64/libjemalloc.so.2",
                "/usr/lib/libjemalloc.so.2",
                "/usr/local/lib/libjemalloc.so.2")
            .stream()
            .filter(f -> Files.isRegularFile(Path.of(f)))
            .findFirst()
            .orElse("");
    assertEquals(found, r.stdout().strip());
  }

  @Test
  void systemLeavesTheAllocatorAlone() throws Exception {
    Path jemalloc = Files.writeString(tmp.resolve("libjemalloc.so.2"), "");
    assertEquals(
        "||", chosen(List.of(jemalloc.toString()), Map.of("DISTILL4J_ALLOCATOR", "system")));
  }
}
