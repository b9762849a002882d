package org.distill4j.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed notebooks as files, without a kernel: nbformat 4.5 with a unique id on every cell,
 * accepted by Jupyter's own validator without warnings, under 1.5 MB, a setup cell that loads the
 * library with one {@code %classpath} line (JJava warns about {@code %jars}) and quiets DJL's
 * start-up log before the engine loads, and one progress line per evaluation. The saved-output
 * rules (no machine paths, no start-up logs, no per-iteration log) are enforced by {@code
 * bin/run-notebooks} on every execution; its {@code --check} mode is tested here on notebooks this
 * test writes.
 */
class CommittedNotebooksTest {
  private static final Pattern CELL_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  private static List<Path> notebooks() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("notebooks"))) {
      List<Path> found =
          files
              .filter(p -> p.getFileName().toString().matches("0\\d_.*\\.ipynb"))
              .sorted()
              .toList();
      assertEquals(4, found.size(), "the four tutorial notebooks");
      return found;
    }
  }

  private static JsonObject read(Path file) throws IOException {
    return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
  }

  private static String source(JsonObject cell) {
    JsonElement src = cell.get("source");
    if (src.isJsonPrimitive()) {
      return src.getAsString();
    }
    StringBuilder sb = new StringBuilder();
    src.getAsJsonArray().forEach(e -> sb.append(e.getAsString()));
    return sb.toString();
  }

  private static List<JsonObject> codeCells(JsonObject notebook) {
    List<JsonObject> cells = new ArrayList<>();
    for (JsonElement e : notebook.getAsJsonArray("cells")) {
      if ("code".equals(e.getAsJsonObject().get("cell_type").getAsString())) {
        cells.add(e.getAsJsonObject());
      }
    }
    return cells;
  }

  @Test
  void everyCellHasAUniqueIdUnderNbformat45AndEachFileIsUnder1point5Megabytes() throws Exception {
    for (Path file : notebooks()) {
      JsonObject nb = read(file);
      assertEquals(4, nb.get("nbformat").getAsInt(), file.toString());
      assertTrue(nb.get("nbformat_minor").getAsInt() >= 5, file + ": cell ids need nbformat 4.5");
      Set<String> ids = new HashSet<>();
      for (JsonElement cell : nb.getAsJsonArray("cells")) {
        JsonElement id = cell.getAsJsonObject().get("id");
        assertTrue(id != null && CELL_ID.matcher(id.getAsString()).matches(), file + ": " + id);
        assertTrue(ids.add(id.getAsString()), file + ": duplicate cell id " + id);
      }
      assertTrue(Files.size(file) < 1_500_000, file + " is " + Files.size(file) + " bytes");
    }
  }

  @Test
  void setupCellLoadsTheLibraryWithClasspathAndQuietsDjlBeforeTheEngineLoads() throws Exception {
    for (Path file : notebooks()) {
      List<JsonObject> code = codeCells(read(file));
      String setup = source(code.get(0));
      assertTrue(
          setup.startsWith("%classpath ../target/classes ../target/lib/*.jar\n"),
          file + ": setup cell starts with the %classpath line");
      int quiet = setup.indexOf("System.setProperty(\"org.slf4j.simpleLogger.log.ai.djl\"");
      int engine = setup.indexOf("Engine.getInstance()");
      assertTrue(quiet >= 0 && engine > quiet, file + ": DJL's log level is set before the engine");
      for (JsonObject cell : code) {
        String src = source(cell);
        assertFalse(Pattern.compile("(?m)^\\s*%jars\\b").matcher(src).find(), file + ": %jars");
        assertFalse(src.contains("new ConsoleProgress()"), file + ": per-iteration console log");
      }
    }
  }

  @Test
  void jupytersValidatorAcceptsEveryNotebookWithoutWarnings() throws Exception {
    assumeTrue(python("import nbformat") == 0, "no python3 with nbformat on this machine");
    for (Path file : notebooks()) {
      assertEquals(
          0,
          python(
              "import sys, warnings, nbformat\n"
                  + "warnings.simplefilter('error')\n"
                  + "nbformat.validate(nbformat.read(sys.argv[1], as_version=4))",
              file.toString()),
          "nbformat rejects or warns about " + file);
    }
  }

  @Test
  void runNotebooksCheckRejectsMachinePathsStartUpLogsIterationLogsAndJars(@TempDir Path tmp)
      throws Exception {
    assumeTrue(python("import nbformat") == 0, "no python3 with nbformat on this machine");
    Path clean = tmp.resolve("clean.ipynb");
    write(clean, "%classpath ../target/classes", "iter 20: train loss 0.1, val mIoU 0.9\n");
    assertEquals(0, script(null, "bin/run-notebooks", "--check", clean.toString()));

    String[][] dirty = {
      {"%classpath x", "[DATA] no dataset at /work/x/data; generating\n", "absolute machine path"},
      {"%classpath x", "[main] WARN ai.djl.util.cuda.CudaUtils - no GPU\n", "start-up log line"},
      {"%classpath x", "[TRAIN] epoch: 1, iter: 20/400, loss: 0.1\n", "per-iteration training"},
      {"%jars ../target/lib/*.jar", "", "%jars"},
    };
    for (String[] c : dirty) {
      Path file = tmp.resolve("dirty.ipynb");
      write(file, c[0], c[1]);
      List<String> out = new ArrayList<>();
      assertEquals(1, script(out, "bin/run-notebooks", "--check", file.toString()), c[2]);
      assertTrue(String.join("\n", out).contains(c[2]), c[2] + " not reported: " + out);
    }
  }

  /** A one-code-cell nbformat 4.5 notebook with {@code text} as its stdout. */
  private static void write(Path file, String source, String text) throws IOException {
    JsonObject output = new JsonObject();
    output.addProperty("output_type", "stream");
    output.addProperty("name", "stdout");
    output.addProperty("text", text);
    JsonArray outputs = new JsonArray();
    if (!text.isEmpty()) {
      outputs.add(output);
    }
    JsonObject cell = new JsonObject();
    cell.addProperty("cell_type", "code");
    cell.addProperty("id", "c1");
    cell.addProperty("execution_count", 1);
    cell.add("metadata", new JsonObject());
    cell.add("outputs", outputs);
    cell.addProperty("source", source);
    JsonArray cells = new JsonArray();
    cells.add(cell);
    JsonObject nb = new JsonObject();
    nb.add("cells", cells);
    nb.add("metadata", new JsonObject());
    nb.addProperty("nbformat", 4);
    nb.addProperty("nbformat_minor", 5);
    Files.writeString(file, nb.toString(), StandardCharsets.UTF_8);
  }

  private static int python(String code, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", code));
    command.addAll(List.of(args));
    return run(command, null);
  }

  /** Runs a python script file (not {@code -c}); its output lines go to {@code out}. */
  private static int script(List<String> out, String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script));
    command.addAll(List.of(args));
    return run(command, out);
  }

  private static int run(List<String> command, List<String> out) throws Exception {
    if (!Files.isExecutable(Path.of(command.get(0)))) {
      return -1;
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    if (out != null) {
      out.addAll(text.lines().toList());
    } else if (process.exitValue() != 0) {
      System.err.println(text);
    }
    return process.exitValue();
  }
}
