package org.distill4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.testing.Scripts;
import org.junit.jupiter.api.Test;

/**
 * The GPU device scripts in {@code bench/gpu/}: both parse, and the packaging plan of {@code
 * prepare.sh --dry-run} (run on {@code target/classes} and {@code target/lib}) leaves PyTorch's
 * native and JNI jars behind while keeping DJL's engine, and names the modules the app loads only
 * reflectively (AWT for charts, sun.misc.Unsafe for JNA). The full packaging and a CPU run through
 * the jlink-ed runtime are documented in docs/gpu.md; they take minutes, too long for the suite.
 */
class GpuPackScriptsTest {

  private static final Path ROOT = Scripts.ROOT;

  @Test
  void scriptsParse() throws Exception {
    for (String script :
        List.of(
            "bench/gpu/prepare.sh",
            "bench/gpu/run-on-device.sh",
            "bench/gpu/build-jni.sh",
            "bench/compare.sh",
            "bench/scaling.sh",
            "bin/use-machine-pytorch",
            "bin/allocator.sh")) {
      Result result = run(List.of("bash", "-n", script), List.of());
      assertEquals(0, result.exitCode, script + ": " + result.output);
    }
  }

  @Test
  void dryRunPacksJavaJarsWithoutPyTorchNatives() throws Exception {
    Path lib = ROOT.resolve("target/lib");
    Path classes = ROOT.resolve("target/classes");
    assertTrue(Files.isDirectory(lib) && Files.isDirectory(classes), "run after mvn test-compile");
    Result result =
        run(
            List.of("bash", "bench/gpu/prepare.sh", "--dry-run"),
            List.of("GPU_APP_JAR=" + classes, "GPU_APP_LIB=" + lib));
    assertEquals(0, result.exitCode, result.output);
    String out = result.output;
    assertTrue(out.contains("dry run: nothing written"), out);
    String jars = out.substring(out.indexOf("jars:"));
    assertTrue(jars.contains("pytorch-engine-"), jars);
    assertTrue(jars.contains("snakeyaml-"), jars);
    assertFalse(jars.contains("pytorch-native-"), jars);
    assertFalse(jars.contains("pytorch-jni-"), jars);
    String modules = out.lines().filter(l -> l.startsWith("modules")).findFirst().orElse("");
    for (String module : List.of("java.base", "java.desktop", "java.logging", "jdk.unsupported")) {
      assertTrue(modules.matches(".*[:,] ?" + module.replace(".", "\\.") + "(,.*|$)"), modules);
    }
  }

  @Test
  void unknownOptionIsRefusedInOneLine() throws Exception {
    Result result = run(List.of("bash", "bench/gpu/prepare.sh", "--bogus"), List.of());
    assertEquals(2, result.exitCode);
    assertEquals(1, result.output.strip().lines().count(), result.output);
    assertTrue(result.output.contains("--bogus"), result.output);
  }

  /** Runs {@code command} with {@code env} ("NAME=value" pairs); both streams as one output. */
  private static Result run(List<String> command, List<String> env) throws Exception {
    Map<String, String> vars = new HashMap<>();
    for (String pair : env) {
      String[] kv = pair.split("=", 2);
      vars.put(kv[0], kv[1]);
    }
    Scripts.Result r = Scripts.run(command, vars, 120);
    return new Result(r.exitCode(), r.output());
  }

  private record Result(int exitCode, String output) {}
}
