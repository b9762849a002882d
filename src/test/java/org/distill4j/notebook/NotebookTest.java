package org.distill4j.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotebookTest {
  /** A notebook as Jupyter saves it, with keys this project does not model. */
  private static final String JUPYTER_NOTEBOOK =
      """
      {
       "cells": [
        {
         "attachments": {"a.png": {"image/png": "iVBORw0KGgo="}},
         "cell_type": "markdown",
         "id": "intro",
         "metadata": {"tags": ["title"]},
         "source": ["# Über *distill4j*\\n", "\\n", "Second paragraph"]
        },
        {
         "cell_type": "code",
         "execution_count": 3,
         "id": "code-1",
         "metadata": {"scrolled": true, "custom": {"n": 1.50}},
         "outputs": [
          {"name": "stdout", "output_type": "stream", "text": ["a\\n", "b\\n"]},
          {"data": {"application/json": {"k": [1, 2]}, "text/plain": ["{'k': [1, 2]}"]},
           "execution_count": 3, "metadata": {}, "output_type": "execute_result"}
         ],
         "source": "int x = 1;\\nx"
        },
        {"cell_type": "raw", "id": "r", "metadata": {"format": "text/x-rst"}, "source": ""}
       ],
       "metadata": {"kernelspec": {"display_name": "Java (jjava)", "language": "java",
        "name": "java"}, "authors": [{"name": "someone"}]},
       "nbformat": 4,
       "nbformat_minor": 5
      }
      """;

  @Test
  void readsCellsSourcesOutputsAndMetadata() {
    Notebook notebook = Notebook.parse(JUPYTER_NOTEBOOK, "test.ipynb");

    List<Cell> cells = notebook.cells();
    assertEquals(3, cells.size());
    assertEquals(CellType.MARKDOWN, cells.get(0).type());
    assertEquals("# Über *distill4j*\n\nSecond paragraph", cells.get(0).source());
    assertEquals("intro", cells.get(0).id());
    Cell code = cells.get(1);
    assertEquals("int x = 1;\nx", code.source());
    assertEquals(3, code.executionCount());
    assertEquals("a\nb\n", code.outputs().get(0).text());
    assertEquals("stdout", code.outputs().get(0).streamName());
    assertEquals("{'k': [1, 2]}", code.outputs().get(1).data("text/plain"));
    assertEquals("{\"k\":[1,2]}", code.outputs().get(1).data("application/json"));
    assertEquals(CellType.RAW, cells.get(2).type());
    assertEquals("", cells.get(2).source());
    assertEquals(List.of(code), notebook.codeCells());
    assertEquals(
        "Java (jjava)",
        notebook.metadata().getAsJsonObject("kernelspec").get("display_name").getAsString());
  }

  @Test
  void roundTripPreservesEverythingItDoesNotModel() {
    Notebook first = Notebook.parse(JUPYTER_NOTEBOOK, "test.ipynb");
    Notebook second = Notebook.parse(first.toJson(), "written.ipynb");

    JsonObject original = JsonParser.parseString(JUPYTER_NOTEBOOK).getAsJsonObject();
    JsonObject reread = second.toJsonObject();
    // Only the language_info added for the Java kernel differs from what Jupyter wrote.
    assertTrue(reread.getAsJsonObject("metadata").has("language_info"));
    reread.getAsJsonObject("metadata").remove("language_info");
    assertEquals(normalised(original), normalised(reread));
    assertEquals(first.toJson(), second.toJson(), "writing is idempotent");
  }

  /** Multi-line strings joined, so string-or-list differences do not matter. */
  private static JsonObject normalised(JsonObject notebook) {
    JsonObject copy = notebook.deepCopy();
    for (var cell : copy.getAsJsonArray("cells")) {
      JsonObject c = cell.getAsJsonObject();
      c.addProperty("source", NotebookJson.joinMultiline(c.get("source")));
      if (c.has("outputs")) {
        for (var output : c.getAsJsonArray("outputs")) {
          JsonObject o = output.getAsJsonObject();
          if (o.has("text")) {
            o.addProperty("text", NotebookJson.joinMultiline(o.get("text")));
          }
          if (o.has("data")) {
            JsonObject data = o.getAsJsonObject("data");
            data.addProperty("text/plain", NotebookJson.joinMultiline(data.get("text/plain")));
          }
        }
      }
    }
    return copy;
  }

  @Test
  void writesLikeJupyterSortedKeysOneSpaceIndentSourceAsLines() {
    Notebook notebook = Notebook.create();
    Cell cell = notebook.addCode("int a = 1;\nint b = 2;\n");
    cell.setExecutionCount(1);
    cell.outputs().add(Output.stream("stdout", "x\ny"));
    String json = notebook.toJson();

    String cellJson = json.substring(json.indexOf("  {"), json.indexOf("\n  }") + 4);
    String expected =
        """
          {
           "cell_type": "code",
           "execution_count": 1,
           "id": "%s",
           "metadata": {},
           "outputs": [
            {
             "name": "stdout",
             "output_type": "stream",
             "text": [
              "x\\n",
              "y"
             ]
            }
           ],
           "source": [
            "int a = 1;\\n",
            "int b = 2;\\n"
           ]
          }"""
            .formatted(cell.id())
            .indent(2)
            .stripTrailing();
    assertEquals(expected, cellJson);
    assertTrue(json.startsWith("{\n \"cells\": [\n"));
    assertTrue(json.endsWith("\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n"));
    assertTrue(json.indexOf("\"metadata\": {\n  \"kernelspec\"") > 0, json);
  }

  @Test
  void newNotebookHasIJavaKernelspecAndJavaLanguageInfo() {
    JsonObject metadata = Notebook.create().metadata();
    JsonObject spec = metadata.getAsJsonObject("kernelspec");
    assertEquals("java", spec.get("name").getAsString());
    assertEquals("Java", spec.get("display_name").getAsString());
    assertEquals("java", spec.get("language").getAsString());
    assertEquals("java", metadata.getAsJsonObject("language_info").get("name").getAsString());
  }

  @Test
  void existingKernelspecIsKept() {
    Notebook notebook = Notebook.parse(JUPYTER_NOTEBOOK, "test.ipynb");
    notebook.ensureJavaKernelMetadata();
    assertEquals(
        "Java (jjava)",
        notebook.metadata().getAsJsonObject("kernelspec").get("display_name").getAsString());
  }

  @Test
  void cellIdsAreUniqueAndFollowTheSchemaPattern() {
    Notebook notebook = Notebook.create();
    for (int i = 0; i < 50; i++) {
      notebook.addMarkdown("m" + i);
    }
    long distinct = notebook.cells().stream().map(Cell::id).distinct().count();
    assertEquals(50, distinct);
    assertTrue(notebook.cells().stream().allMatch(c -> c.id().matches("[a-zA-Z0-9-_]{1,64}")));
  }

  @Test
  void missingIdsOfAnNbformat45NotebookAreFilledIn() {
    String json =
        """
        {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "hi"}],
         "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""";
    assertTrue(Notebook.parse(json, "x.ipynb").cells().get(0).id() != null);
  }

  @Test
  void olderMinorVersionStaysWithoutIds() {
    String json =
        """
        {"cells": [{"cell_type": "code", "metadata": {}, "source": [], "outputs": [],
          "execution_count": null}], "metadata": {}, "nbformat": 4, "nbformat_minor": 2}""";
    Notebook notebook = Notebook.parse(json, "old.ipynb");
    Cell added = notebook.addMarkdown("new");
    assertNull(added.id());
    assertEquals(2, notebook.nbformatMinor());
    assertFalse(notebook.toJson().contains("\"id\""));
  }

  @Test
  void invalidNotebooksAreRejectedNamingFileAndProblem() {
    ConfigException notJson =
        assertThrows(ConfigException.class, () -> Notebook.parse("{oops", "bad.ipynb"));
    assertTrue(notJson.getMessage().startsWith("bad.ipynb: not valid JSON"), notJson.getMessage());

    String noOutputs =
        """
        {"cells": [{"cell_type": "code", "metadata": {}, "source": "x", "execution_count": null}],
         "metadata": {}, "nbformat": 4, "nbformat_minor": 4}""";
    ConfigException missing =
        assertThrows(ConfigException.class, () -> Notebook.parse(noOutputs, "nb.ipynb"));
    assertEquals(
        "nb.ipynb: not an nbformat 4 notebook: cells[0]: missing key 'outputs'",
        missing.getMessage());

    String version3 = "{\"cells\": [], \"metadata\": {}, \"nbformat\": 3, \"nbformat_minor\": 0}";
    assertTrue(
        assertThrows(ConfigException.class, () -> Notebook.parse(version3, "v3.ipynb"))
            .getMessage()
            .contains("nbformat: must be 4"));
  }

  @Test
  void missingFileIsAConfigError(@TempDir Path dir) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> Notebook.read(dir.resolve("none.ipynb")));
    assertTrue(e.getMessage().endsWith("none.ipynb: no such notebook file"), e.getMessage());
  }

  @Test
  void validatorReportsEachStructuralProblemWithItsPath() {
    JsonObject nb =
        JsonParser.parseString(
                """
                {"cells": [
                  {"cell_type": "code", "id": "a", "metadata": {}, "source": ["ok"],
                   "execution_count": -1,
                   "outputs": [{"output_type": "stream", "name": "stdout"},
                               {"output_type": "display_data", "data": {"text/plain": 5}},
                               {"output_type": "error", "ename": "E", "evalue": "v",
                                "traceback": "not a list"},
                               {"output_type": "mystery"}]},
                  {"cell_type": "markdown", "id": "a", "metadata": {}, "source": "x",
                   "outputs": []},
                  {"cell_type": "notebook", "metadata": {}, "source": ""},
                  {"cell_type": "raw", "metadata": {}, "source": ""}
                 ],
                 "metadata": {"kernelspec": {"name": "java"}},
                 "nbformat": 4, "nbformat_minor": 5}""")
            .getAsJsonObject();
    List<String> problems = NotebookValidator.problems(nb);
    assertEquals(
        List.of(
            "metadata.kernelspec: missing key 'display_name'",
            "cells[0].execution_count: must be null or a non-negative integer",
            "cells[0].outputs[0]: missing key 'text'",
            "cells[0].outputs[1]: missing key 'metadata'",
            "cells[0].outputs[1].data['text/plain']: must be a string or a list of strings",
            "cells[0].outputs[2].traceback: must be a string or a list of strings",
            "cells[0].outputs[3].output_type: must be stream, display_data, execute_result or"
                + " error, found 'mystery'",
            "cells[1].id: duplicate cell id \"a\"",
            "cells[1]: key 'outputs' is not allowed in a markdown cell",
            "cells[2].cell_type: must be code, markdown or raw, found \"notebook\"",
            "cells[3]: missing key 'id' (required from nbformat 4.5)"),
        problems);
  }

  @Test
  void writtenFilesValidateAndWritingRefusesInvalidStructure(@TempDir Path dir) throws Exception {
    Notebook notebook = Notebook.create();
    notebook.addMarkdown("# T");
    Cell code = notebook.addCode("1 + 1");
    code.setExecutionCount(1);
    code.outputs().add(Output.executeResult(Map.of("text/plain", "2"), 1));
    code.outputs().add(Output.error("E", "msg", List.of("E: msg", "\tat here")));
    Path file = dir.resolve("sub/out.ipynb");
    notebook.write(file);
    assertEquals(List.of(), Notebook.validate(file));
    assertTrue(Notebook.isValid(file));

    Files.writeString(file, "[]", StandardCharsets.UTF_8);
    assertFalse(Notebook.isValid(file));

    notebook.metadata().addProperty("kernelspec", "java");
    IllegalStateException invalid = assertThrows(IllegalStateException.class, notebook::toJson);
    assertTrue(
        invalid.getMessage().contains("kernelspec: must be an object"), invalid.getMessage());
  }

  @Test
  void imageDataStaysOneStringWhileTextIsSplitIntoLines() {
    Notebook notebook = Notebook.create();
    Cell code = notebook.addCode("x");
    code.setExecutionCount(1);
    code.outputs().add(Output.displayData(Map.of("image/png", "QUJD", "text/html", "<b>\n</b>")));
    JsonObject data =
        notebook
            .toJsonObject()
            .getAsJsonArray("cells")
            .get(0)
            .getAsJsonObject()
            .getAsJsonArray("outputs")
            .get(0)
            .getAsJsonObject()
            .getAsJsonObject("data");
    assertEquals("QUJD", data.get("image/png").getAsString());
    assertEquals(2, data.getAsJsonArray("text/html").size());
  }

  /** Jupyter's own validator, when this machine has it (Debian's python3-nbformat is optional). */
  @Test
  void pythonNbformatAcceptsWrittenNotebooks(@TempDir Path dir) throws Exception {
    var python = JupyterValidator.interpreter();
    Assumptions.assumeTrue(python.isPresent(), "no python3 with the nbformat module");
    Notebook notebook = Notebook.create();
    notebook.addMarkdown("# Title");
    notebook.addRaw("raw");
    Cell code = notebook.addCode("x");
    code.setExecutionCount(1);
    code.outputs().add(Output.stream("stdout", "a\nb"));
    code.outputs().add(Output.displayData(Map.of("image/png", "iVBORw0KGgo=", "text/plain", "i")));
    code.outputs().add(Output.executeResult(Map.of("text/plain", "1"), 1));
    code.outputs().add(Output.error("E", "m", List.of("E: m")));
    notebook.addCode("");
    Path file = dir.resolve("check.ipynb");
    notebook.write(file);
    assertEquals(0, JupyterValidator.validate(python.get(), file));
  }

  @Test
  void clearOutputsResetsCodeCells() {
    Cell code = Notebook.create().addCode("1");
    code.setExecutionCount(4);
    code.outputs().add(Output.stream("stdout", "x"));
    code.clearOutputs();
    assertNull(code.executionCount());
    assertTrue(code.outputs().isEmpty());
    Cell markdown = Notebook.create().addMarkdown("m");
    assertThrows(IllegalStateException.class, () -> markdown.setExecutionCount(1));
  }
}
