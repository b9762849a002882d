package org.distill4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.distill4j.testing.Scripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench/compare.sh}'s plumbing, with stand-ins for both sides that answer at once: which
 * allocator the PyTorch reference runs under ({@code REFERENCE_ALLOCATOR}), and the ratios it
 * prints.
 */
class CompareScriptTest {
  private static final String KEYS =
      "\"train step ms, student\": {\"median\": %s}, \"train step ms, teacher\": {\"median\": %s},"
          + " \"distill step ms, KL\": {\"median\": %s},"
          + " \"teacher inference forward ms\": {\"median\": %s}";

  @TempDir Path tmp;

  /** Runs compare.sh at one size with the stand-ins; returns what it printed. */
  private Scripts.Result compare(Map<String, String> extra) throws Exception {
    Path distill4j =
        script(
            "distill4j",
            "echo '{\"context\": {\"engine\": \"distill4j stand-in\"}, \"results\": {"
                + String.format(KEYS, "100", "200", "330", "40")
                + "}}'");
    // The reference's stand-in reports the allocator environment it was started with; anything
    // else (the summary) goes to the real Python.
    Path python =
        script(
            "python",
            "if [ \"$1\" = bench/pytorch_reference.py ]; then\n"
                + "  echo \"{\\\"context\\\": {\\\"engine\\\": \\\"reference"
                + " LD_PRELOAD=[$LD_PRELOAD] MALLOC_CONF=[$MALLOC_CONF]"
                + " GLIBC_TUNABLES=[$GLIBC_TUNABLES]\\\"}, \\\"results\\\": {"
                + String.format(KEYS, "200", "200", "300", "50").replace("\"", "\\\"")
                + "}}\"\n"
                + "else exec python3 \"$@\"; fi");
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "DISTILL4J", distill4j.toString(),
                "PYTHON", python.toString(),
                "LD_PRELOAD", "",
                "MALLOC_CONF", "",
                "GLIBC_TUNABLES", "",
                "DISTILL4J_ALLOCATOR", ""));
    env.putAll(extra);
    return Scripts.run(List.of("bash", "bench/compare.sh", "64"), env, 60);
  }

  private Path script(String name, String body) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  @Test
  void theReferenceRunsUnderTheSystemsAllocatorUnlessAskedForTheLaunchers() throws Exception {
    Scripts.Result system = compare(Map.of());
    assertEquals(0, system.exitCode(), system::output);
    String first = system.stdout().lines().findFirst().orElse("");
    assertTrue(first.endsWith("with the system's allocator"), first);
    assertTrue(first.contains("LD_PRELOAD=[] MALLOC_CONF=[] GLIBC_TUNABLES=[]"), first);
    // Ratios are distill4j / reference.
    assertTrue(system.stdout().contains("train step ms, student"), system::stdout);
    assertTrue(
        system.stdout().matches("(?s).*train step ms, student\\s+100\\.0\\s+200\\.0\\s+0\\.50.*"),
        system::stdout);

    Scripts.Result launcher = compare(Map.of("REFERENCE_ALLOCATOR", "launcher"));
    assertEquals(0, launcher.exitCode(), launcher::output);
    first = launcher.stdout().lines().findFirst().orElse("");
    assertTrue(first.endsWith("with bin/distill4j's allocator"), first);
    // What bin/allocator.sh exports on this machine: jemalloc with its setting, or glibc's
    // tunables where no jemalloc is installed.
    assertTrue(
        first.contains("libjemalloc.so.2] MALLOC_CONF=[dirty_decay_ms:-1")
            || first.contains("GLIBC_TUNABLES=[glibc.malloc.mmap_max=0"),
        first);
  }

  @Test
  void anUnknownAllocatorIsRefused() throws Exception {
    Scripts.Result r = compare(Map.of("REFERENCE_ALLOCATOR", "jemalloc"));
    assertEquals(2, r.exitCode(), r::output);
    assertTrue(
        r.stderr().contains("REFERENCE_ALLOCATOR must be system or launcher, got 'jemalloc'"),
        r::stderr);
  }
}
