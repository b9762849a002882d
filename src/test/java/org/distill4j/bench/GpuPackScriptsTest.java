package org.distill4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.distill4j.testing.Scripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU device scripts in {@code bench/gpu/}: both parse, and the packaging plan of {@code
 * prepare.sh --dry-run} (run on {@code target/classes} and {@code target/lib}) leaves PyTorch's
 * native and JNI jars behind while keeping DJL's engine, and names the modules the app loads only
 * reflectively (AWT for charts, sun.misc.Unsafe for JNA); the pack without its slow steps (jlink,
 * DJL's sources) trims JNA's jar and checks the size of a device call. The full packaging and a CPU
 * run through the jlink-ed runtime are documented in docs/gpu.md; they take minutes, too long for
 * the suite.
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
            "bench/gpu/unpack-runtime.sh",
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

  /**
   * The pack itself (without the slow jlink and DJL-source steps): JNA's jar keeps only the x86-64
   * Linux native library, and the pack with the working tree is checked against what one device
   * call carries, refused in one line when over.
   */
  @Test
  void packKeepsOnlyLinuxJnaNativesAndChecksTheCallSize(@TempDir Path tmp) throws Exception {
    Path lib = ROOT.resolve("target/lib");
    assertTrue(Files.isDirectory(lib), "run after mvn test-compile");
    Path appJar = tmp.resolve("app.jar");
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(appJar))) {
      jar.putNextEntry(new JarEntry("README.txt"));
      jar.write("a stand-in for the application jar".getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    }
    Path pack = tmp.resolve("gpu");
    List<String> env =
        List.of("GPU_APP_JAR=" + appJar, "GPU_APP_LIB=" + lib, "GPU_PACK_DIR=" + pack);
    List<String> command = List.of("bash", "bench/gpu/prepare.sh", "--no-jlink", "--no-djl-src");

    Result packed = run(command, env);
    assertEquals(0, packed.exitCode, packed.output);
    assertTrue(packed.output.contains("a call carries"), packed.output);
    // A limit the pack alone fits under but the pack with the working tree does not: refused, in
    // one line, because of the tree.
    Matcher sizes =
        Pattern.compile(": ([0-9.]+) MiB; with the working tree \\(([0-9.]+) MiB\\)")
            .matcher(packed.output);
    assertTrue(sizes.find(), packed.output);
    double packMiB = Double.parseDouble(sizes.group(1));
    double treeMiB = Double.parseDouble(sizes.group(2));
    int limit = (int) Math.ceil(packMiB) + 1;
    assertTrue(packMiB + treeMiB > limit, "the working tree is too small for this check");
    List<String> tight = new ArrayList<>(env);
    tight.add("GPU_CALL_LIMIT_MB=" + limit);
    Result over = run(command, tight);
    assertEquals(1, over.exitCode, over.output);
    List<String> refusals = over.output.lines().filter(l -> l.startsWith("prepare.sh:")).toList();
    assertEquals(1, refusals.size(), over.output);
    assertTrue(
        refusals.get(0).contains("working tree")
            && refusals.get(0).contains("over the " + limit + " MiB"),
        over.output);

    assumeFalse(
        packed.output.contains("no zip/unzip here"),
        "zip and unzip are not installed (.ci/run installs them): " + packed.output);
    Path jna;
    try (var files = Files.list(pack.resolve("lib"))) {
      jna =
          files
              .filter(f -> f.getFileName().toString().matches("jna-[0-9].*\\.jar"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no JNA jar in the pack"));
    }
    List<String> natives = new ArrayList<>();
    boolean hasClasses = false;
    try (ZipFile zip = new ZipFile(jna.toFile())) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        String name = e.getName();
        if (!e.isDirectory() && name.matches("com/sun/jna/[a-z0-9]+-[a-z0-9-]+/.+")) {
          natives.add(name);
        }
        hasClasses |= name.equals("com/sun/jna/Native.class");
      }
    }
    assertTrue(hasClasses, "JNA's classes must stay");
    assertEquals(List.of("com/sun/jna/linux-x86-64/libjnidispatch.so"), natives);
  }

  /**
   * What run-on-device.sh does before starting Java: the JVM library that travels gzipped is
   * restored byte for byte, and the system libraries' archive is unpacked into runtime/lib.
   */
  @Test
  void unpackRuntimeRestoresTheGzippedJvmAndTheExtras(@TempDir Path tmp) throws Exception {
    Path server = Files.createDirectories(tmp.resolve("runtime/lib/server"));
    byte[] jvm = new byte[100_000];
    new Random(7).nextBytes(jvm);
    try (OutputStream out =
        new GZIPOutputStream(Files.newOutputStream(server.resolve("libjvm.so.gz")))) {
      out.write(jvm);
    }
    byte[] font = "a font".getBytes(StandardCharsets.UTF_8);
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(
            new GZIPOutputStream(Files.newOutputStream(tmp.resolve("runtime-extra.tar.gz"))))) {
      TarArchiveEntry entry = new TarArchiveEntry("fonts/DejaVuSans.ttf");
      entry.setSize(font.length);
      tar.putArchiveEntry(entry);
      tar.write(font);
      tar.closeArchiveEntry();
    }
    Path log = tmp.resolve("run.log");
    List<String> command =
        List.of(
            "bash",
            "-c",
            "source bench/gpu/unpack-runtime.sh && unpack_runtime \"$1\" \"$2\"",
            "unpack",
            tmp.toString(),
            log.toString());

    Result first = run(command, List.of());
    assertEquals(0, first.exitCode, first.output);
    assertArrayEquals(jvm, Files.readAllBytes(server.resolve("libjvm.so")));
    assertArrayEquals(font, Files.readAllBytes(tmp.resolve("runtime/lib/fonts/DejaVuSans.ttf")));
    assertEquals(
        List.of("unpacked runtime/lib/server/libjvm.so.gz", "unpacked runtime-extra.tar.gz"),
        Files.readAllLines(log));

    // A second run (a later call on a machine still warm) leaves the JVM library as it is.
    Result second = run(command, List.of());
    assertEquals(0, second.exitCode, second.output);
    assertArrayEquals(jvm, Files.readAllBytes(server.resolve("libjvm.so")));
    assertFalse(second.output.contains("libjvm.so.gz"), second.output);
  }

  @Test
  void unknownOptionIsRefusedInOneLine() throws Exception {
    Result result = run(List.of("bash", "bench/gpu/prepare.sh", "--bogus"), List.of());
    assertEquals(2, result.exitCode);
    assertEquals(1, result.output.strip().lines().count(), result.output);
    assertTrue(result.output.contains("--bogus"), result.output);
  }

  @Test
  void aCallLimitThatIsNotANumberIsRefusedInOneLine() throws Exception {
    Result result =
        run(List.of("bash", "bench/gpu/prepare.sh", "--dry-run"), List.of("GPU_CALL_LIMIT_MB=6O"));
    assertEquals(2, result.exitCode, result.output);
    assertEquals(1, result.output.strip().lines().count(), result.output);
    assertTrue(result.output.contains("GPU_CALL_LIMIT_MB") && result.output.contains("'6O'"));
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
