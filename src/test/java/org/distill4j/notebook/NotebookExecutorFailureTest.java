package org.distill4j.notebook;

import static org.distill4j.notebook.NotebookExecutorTest.assertResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each failure mode on its own small notebook: where it stops, what it reports. */
class NotebookExecutorFailureTest {
  private static final NotebookExecutor EXECUTOR = NotebookExecutor.builder().build();

  @Test
  void compileErrorStopsAtItsCellAndClearsLaterCells() {
    Notebook notebook = Notebook.create();
    notebook.addCode("int a = 1;");
    notebook.addMarkdown("text");
    Cell failing = notebook.addCode("int b = a + 1;\nint c = undefinedName + 1;");
    Cell later = notebook.addCode("a");
    later.setExecutionCount(9);
    later.outputs().add(Output.executeResult(Map.of("text/plain", "stale"), 9));

    ExecutionResult result = EXECUTOR.execute(notebook);

    assertFalse(result.success());
    assertEquals(2, result.failedCellIndex());
    assertEquals(2, result.failedCodeCellNumber());
    assertEquals(
        "cell index 2 (code cell 2): line 2: compile error: cannot find symbol"
            + " (symbol: variable undefinedName)",
        result.error());
    assertEquals(2, failing.executionCount());
    Output error = failing.outputs().get(0);
    assertEquals("error", error.type());
    assertEquals("CompilationException", error.ename());
    assertEquals(
        List.of(
            "line 2: cannot find symbol\n  symbol:   variable undefinedName\n  location: class ",
            "int c = undefinedName + 1;",
            "        ^"),
        error.traceback());
    assertNull(later.executionCount(), "cells after the failure do not run");
    assertEquals(List.of(), later.outputs(), "and keep no stale output");
    assertEquals(2, result.cellTimes().size());
  }

  @Test
  void runtimeExceptionFailsWithClassMessageAndLine() {
    Notebook notebook = Notebook.create();
    notebook.addCode(
        "void check(int v) {\n  if (v > 2) {\n"
            + "    throw new IllegalStateException(\"value \" + v + \" too large\");\n  }\n}");
    Cell failing = notebook.addCode("System.out.println(\"before\");\ncheck(1);\ncheck(3);");

    ExecutionResult result = EXECUTOR.execute(notebook);

    assertEquals(
        "cell index 1 (code cell 2): line 3: java.lang.IllegalStateException: value 3 too large",
        result.error());
    assertEquals(1, result.failedCellIndex());
    assertEquals("before\n", failing.outputs().get(0).text(), "output before the error is kept");
    Output error = failing.outputs().get(1);
    assertEquals("java.lang.IllegalStateException", error.ename());
    assertEquals("value 3 too large", error.evalue());
    assertEquals(
        List.of(
            "java.lang.IllegalStateException: value 3 too large",
            "\tat code cell 1 line 3",
            "\tat code cell 2 line 3"),
        error.traceback());
  }

  @Test
  void exceptionTracebackMapsMethodLinesOfEarlierCells() {
    Notebook notebook = Notebook.create();
    notebook.addCode("// helpers\n\nint parse(String s) {\n  return Integer.parseInt(s);\n}");
    notebook.addCode("int ok = parse(\"4\");\n\nparse(\"four\")");

    ExecutionResult result = EXECUTOR.execute(notebook);

    assertEquals(
        "cell index 1 (code cell 2): line 3: java.lang.NumberFormatException: For input string:"
            + " \"four\"",
        result.error());
    List<String> traceback = notebook.cells().get(1).outputs().get(0).traceback();
    assertEquals("\tat code cell 1 line 4", traceback.get(traceback.size() - 2));
    assertEquals("\tat code cell 2 line 3", traceback.get(traceback.size() - 1));
    assertTrue(traceback.get(1).contains("NumberFormatException.forInputString"), traceback.get(1));
  }

  @Test
  void causesAppearInTheTraceback() {
    Notebook notebook = Notebook.create();
    notebook.addCode(
        "throw new RuntimeException(\"outer\", new java.io.IOException(\"disk full\"));");
    ExecutionResult result = EXECUTOR.execute(notebook);
    assertEquals(
        "cell index 0 (code cell 1): line 1: java.lang.RuntimeException: outer", result.error());
    assertTrue(
        notebook
            .cells()
            .get(0)
            .outputs()
            .get(0)
            .traceback()
            .contains("Caused by: java.io.IOException: disk full"));
  }

  @Test
  void callingAMethodWithUnresolvedReferencesFails() {
    Notebook notebook = Notebook.create();
    notebook.addCode("int usesMissing() { return missing(); }");
    notebook.addCode("usesMissing()");
    ExecutionResult result = EXECUTOR.execute(notebook);
    assertEquals(1, result.failedCellIndex());
    assertTrue(
        result.error().contains("uses method missing(), which is not defined"), result.error());
  }

  @Test
  void incompleteCodeIsACompileError() {
    Notebook notebook = Notebook.create();
    notebook.addCode("int a = 1;\nfor (int i = 0; i < 3; i++) {\n  a += i;");
    ExecutionResult result = EXECUTOR.execute(notebook);
    assertEquals(
        "cell index 0 (code cell 1): line 2: compile error: incomplete code (missing ';', ')' or"
            + " '}'?): for (int i = 0; i < 3; i++) {",
        result.error());
  }

  @Test
  void unknownMagicFailsNamingIt() {
    Notebook notebook = Notebook.create();
    notebook.addCode("int a = 1;\n  %frobnicate now\nint b = 2;");
    ExecutionResult result = EXECUTOR.execute(notebook);
    assertEquals(
        "cell index 0 (code cell 1): line 2: unknown line magic %frobnicate; supported: %jars,"
            + " %classpath, %maven, %load",
        result.error());
    assertEquals("MagicException", notebook.cells().get(0).outputs().get(0).ename());
  }

  @Test
  void cellMagicsAreNotSupported() {
    Notebook notebook = Notebook.create();
    notebook.addCode("%%time\nThread.sleep(1);");
    ExecutionResult result = EXECUTOR.execute(notebook);
    assertEquals(
        "cell index 0 (code cell 1): line 1: cell magic %%time is not supported by this executor",
        result.error());
  }

  @Test
  void timeoutStopsASleepingCell() {
    Notebook notebook = Notebook.create();
    notebook.addCode("int before = 1;");
    notebook.addCode("System.out.println(\"start\");\nThread.sleep(60_000);");
    long start = System.nanoTime();
    ExecutionResult result =
        NotebookExecutor.builder().optCellTimeout(Duration.ofMillis(300)).build().execute(notebook);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(
        "cell index 1 (code cell 2): timed out after 300 ms; the cell was stopped", result.error());
    assertTrue(millis < 20_000, "took " + millis + " ms");
    assertEquals("start\n", notebook.cells().get(1).outputs().get(0).text());
    assertEquals("TimeoutException", notebook.cells().get(1).outputs().get(1).ename());
  }

  @Test
  void timeoutStopsABusyLoopThatIgnoresInterrupts() {
    Notebook notebook = Notebook.create();
    notebook.addCode("long n = 0;\nwhile (n >= 0) { n = (n + 1) % 1000; }");
    ExecutionResult result =
        NotebookExecutor.builder().optCellTimeout(Duration.ofMillis(200)).build().execute(notebook);
    assertEquals(
        "cell index 0 (code cell 1): timed out after 200 ms; the cell was stopped", result.error());

    Notebook next = Notebook.create();
    Cell cell = next.addCode("1 + 1");
    assertTrue(EXECUTOR.execute(next).success(), "a later notebook runs normally");
    assertResult(cell, "2");
  }

  @Test
  void notebooksDoNotShareState() {
    Notebook first = Notebook.create();
    first.addCode("int onlyInFirst = 5;");
    assertTrue(EXECUTOR.execute(first).success());
    Notebook second = Notebook.create();
    second.addCode("onlyInFirst");
    ExecutionResult result = EXECUTOR.execute(second);
    assertTrue(
        result.error().contains("cannot find symbol (symbol: variable onlyInFirst)"),
        result.error());
  }
}
