package org.distill4j.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repo2docker files in {@code binder/}: what can be checked without the network. The scripts
 * parse, apt.txt brings what the kernel and the charts need, and the kernel.json edit in postBuild
 * puts the JVM flags before {@code -jar} and sets the scale.
 */
class BinderFilesTest {
  private static final Path BINDER = Path.of("binder");

  @Test
  void scriptsParseAsBash() throws Exception {
    for (String script : List.of("postBuild", "start")) {
      Path file = BINDER.resolve(script);
      assertTrue(Files.isExecutable(file), file + " must be executable for repo2docker");
      assertEquals(0, run(List.of("bash", "-n", file.toString())), "bash -n " + file);
    }
  }

  @Test
  void aptListHasTheJdkMavenAndAFont() throws IOException {
    List<String> packages =
        Files.readAllLines(BINDER.resolve("apt.txt")).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    assertTrue(packages.contains("openjdk-17-jdk-headless"), packages.toString());
    assertTrue(packages.contains("maven"), packages.toString());
    assertTrue(packages.contains("fontconfig"), packages.toString());
    assertTrue(packages.stream().anyMatch(p -> p.startsWith("fonts-")), packages.toString());
  }

  @Test
  void postBuildBuildsSkippingTestsAndWarmsTheDataset() throws IOException {
    String script = Files.readString(BINDER.resolve("postBuild"));
    assertTrue(script.contains("mvn -B -q -DskipTests package"), "postBuild builds the project");
    assertTrue(script.contains("make-dataset"), "postBuild generates the notebooks' dataset");
    assertTrue(script.contains("IJAVA_VERSION=1.3.0"), "postBuild installs IJava 1.3.0");
  }

  @Test
  void kernelSpecEditPutsJvmFlagsBeforeTheJar(@TempDir Path dir) throws Exception {
    String python = python3WithJson();
    String script = Files.readString(BINDER.resolve("postBuild"));
    int start = script.indexOf("<<'PY'\n");
    int end = script.indexOf("\nPY\n", start);
    assertTrue(start > 0 && end > start, "postBuild has the kernel.json edit as a PY heredoc");
    Path editor = dir.resolve("edit.py");
    Files.writeString(editor, script.substring(start + "<<'PY'\n".length(), end + 1));
    Path kernel = dir.resolve("kernel.json");
    Files.writeString(
        kernel,
        "{\"argv\": [\"java\", \"-jar\", \"/k/ijava.jar\", \"{connection_file}\"],"
            + " \"display_name\": \"Java\", \"language\": \"java\"}");

    assertEquals(0, run(List.of(python, editor.toString(), kernel.toString())));

    JsonObject spec = JsonParser.parseString(Files.readString(kernel)).getAsJsonObject();
    List<String> argv = new ArrayList<>();
    for (var e : spec.getAsJsonArray("argv")) {
      argv.add(e.getAsString());
    }
    int jar = argv.indexOf("-jar");
    assertTrue(argv.indexOf("-Xmx1g") > 0 && argv.indexOf("-Xmx1g") < jar, argv.toString());
    assertTrue(argv.indexOf("-Djava.awt.headless=true") < jar, argv.toString());
    assertEquals("/k/ijava.jar", argv.get(jar + 1));
    assertEquals("cpu", spec.getAsJsonObject("env").get("DISTILL4J_SCALE").getAsString());

    // Running it twice (a rebuilt image) must not add the flags again.
    assertEquals(0, run(List.of(python, editor.toString(), kernel.toString())));
    JsonArray again =
        JsonParser.parseString(Files.readString(kernel)).getAsJsonObject().getAsJsonArray("argv");
    assertEquals(argv.size(), again.size(), again.toString());
  }

  private static String python3WithJson() throws Exception {
    for (String python : List.of("python3", "/usr/bin/python3")) {
      if (run(List.of(python, "-c", "import json")) == 0) {
        return python;
      }
    }
    throw new IllegalStateException("the Binder test needs python3 (repo2docker images have it)");
  }

  private static int run(List<String> command) throws Exception {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      Process process = builder.start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      return -1;
    }
  }
}
