package org.distill4j.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs one notebook covering the successful IJava behaviours once, then checks each cell. Failure
 * modes each get their own small notebook in {@link NotebookExecutorFailureTest}.
 */
class NotebookExecutorTest {
  private static Notebook notebook;
  private static ExecutionResult result;
  private static Cell declarations;
  private static Cell arithmetic;
  private static Cell trailingSemicolon;
  private static Cell projectClass;
  private static Cell declarationOnly;
  private static Cell printing;
  private static Cell imageResult;
  private static Cell variableImage;
  private static Cell liveChart;
  private static Cell nullValue;
  private static Cell forwardUse;
  private static Cell forwardDeclare;
  private static Cell forwardCall;
  private static Cell severalSnippets;
  private static Cell markdownRender;
  private static Cell progress;
  private static Cell scale;
  private static Cell sharedState;
  private static Cell empty;
  private static Cell checkedException;
  private static Cell xchart;

  @BeforeAll
  static void runNotebook() {
    SharedBox.value = null;
    notebook = Notebook.create();
    notebook.addMarkdown("# A test notebook\nwith *markdown*");
    declarations =
        notebook.addCode(
            "import java.awt.image.BufferedImage;\n"
                + "import org.distill4j.config.ConfigMap;\n"
                + "int x = 20;\n"
                + "String word = \"abc\";");
    arithmetic = notebook.addCode("x + 1");
    trailingSemicolon = notebook.addCode("x * 2;");
    projectClass = notebook.addCode("ConfigMap.of(\"type\", \"Greeter\").getString(\"type\")");
    declarationOnly = notebook.addCode("int y = x + 5;");
    printing =
        notebook.addCode(
            "System.out.println(\"hello \" + word);\n"
                + "System.out.print(\"same \");\n"
                + "System.out.println(\"stream\");\n"
                + "System.err.println(\"a warning\");\n"
                + "printf(\"%d items%n\", 3);\n"
                + "word");
    imageResult =
        notebook.addCode(
            "BufferedImage image = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);\n"
                + "image.setRGB(2, 3, 0x123456);\n"
                + "image;");
    variableImage = notebook.addCode("image");
    liveChart =
        notebook.addCode(
            "String id = display(new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB));\n"
                + "for (int epoch = 1; epoch <= 4; epoch++) {\n"
                + "  BufferedImage frame = new BufferedImage(10 * epoch, 6, 2);\n"
                + "  updateDisplay(id, frame);\n"
                + "}");
    nullValue = notebook.addCode("String nothing = null;\nnothing");
    forwardUse = notebook.addCode("int doubled() { return later * 2; }");
    forwardDeclare = notebook.addCode("int later = 21;");
    forwardCall = notebook.addCode("doubled()");
    severalSnippets = notebook.addCode("int a = 1; int b = 2; a + b + y");
    markdownRender = notebook.addCode("render(\"**bold**\", \"text/markdown\")");
    progress = notebook.addCode("System.out.print(\"10%\\r50%\\r100%\\ndone\\n\");");
    empty = notebook.addCode("  \n");
    scale = notebook.addCode("System.getProperty(\"distill4j.scale\", \"full\")");
    checkedException = notebook.addCode("Thread.sleep(1);\n\"slept\"");
    sharedState = notebook.addCode("org.distill4j.notebook.SharedBox.value = List.of(x, word);");
    xchart =
        notebook.addCode(
            "import org.knowm.xchart.*;\n"
                + "XYChart chart = new XYChartBuilder().width(160).height(120).title(\"loss\")"
                + ".build();\n"
                + "chart.addSeries(\"train\", new double[] {1, 2, 3}, new double[] {3, 2, 1});\n"
                + "BitmapEncoder.getBufferedImage(chart);");
    notebook.addRaw("raw text");

    result =
        NotebookExecutor.builder()
            .optSystemProperty("distill4j.scale", "smoke")
            .build()
            .execute(notebook);
  }

  @Test
  void allCellsSucceedAndCountsAreConsecutive() {
    assertTrue(result.success(), result.error());
    assertEquals(-1, result.failedCellIndex());
    assertNull(result.error());
    List<Integer> counts = new ArrayList<>();
    for (Cell cell : notebook.codeCells()) {
      if (cell != empty) {
        counts.add(cell.executionCount());
      }
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 1; i <= counts.size(); i++) {
      expected.add(i);
    }
    assertEquals(expected, counts);
    assertEquals(counts.size(), result.cellTimes().size());
    assertEquals(1, result.cellTimes().get(0).cellIndex());
    assertEquals(1, result.cellTimes().get(0).codeCellNumber());
  }

  @Test
  void declarationsAndStatementsProduceNoResult() {
    assertEquals(List.of(), declarations.outputs());
    assertEquals(List.of(), declarationOnly.outputs());
    assertEquals(List.of(), forwardUse.outputs());
    assertEquals(List.of(), liveChartResults());
  }

  private static List<Output> liveChartResults() {
    return liveChart.outputs().stream().filter(o -> o.type().equals("execute_result")).toList();
  }

  @Test
  void lastExpressionIsTheResultAndStatePersistsAcrossCells() {
    assertResult(arithmetic, "21");
    assertEquals(arithmetic.executionCount(), arithmetic.outputs().get(0).executionCount());
  }

  @Test
  void trailingSemicolonStillShowsTheValue() {
    assertResult(trailingSemicolon, "40");
  }

  @Test
  void snippetsUseTheProjectsClasses() {
    assertResult(projectClass, "Greeter");
    assertEquals(List.of(20, "abc"), SharedBox.value);
  }

  @Test
  void stringsAreShownWithoutQuotes() {
    Output last = printing.outputs().get(printing.outputs().size() - 1);
    assertEquals("execute_result", last.type());
    assertEquals("abc", last.data("text/plain"));
  }

  @Test
  void printedTextBecomesStreamsInOrderWithConsecutiveWritesMerged() {
    List<Output> outputs = printing.outputs();
    assertEquals(4, outputs.size(), outputs.toString());
    assertEquals("stdout", outputs.get(0).streamName());
    assertEquals("hello abc\nsame stream\n", outputs.get(0).text());
    assertEquals("stderr", outputs.get(1).streamName());
    assertEquals("a warning\n", outputs.get(1).text());
    assertEquals("stdout", outputs.get(2).streamName());
    assertEquals("3 items" + System.lineSeparator(), outputs.get(2).text());
  }

  @Test
  void imageResultIsAPngOfTheSameImage() throws Exception {
    Output output = imageResult.outputs().get(0);
    assertEquals("execute_result", output.type());
    assertEquals(Set.of("image/png", "text/plain"), output.mimeTypes());
    BufferedImage decoded = decodePng(output);
    assertEquals(7, decoded.getWidth());
    assertEquals(5, decoded.getHeight());
    assertEquals(0x123456, decoded.getRGB(2, 3) & 0xffffff);
    assertEquals(0, decoded.getRGB(0, 0) & 0xffffff);
    assertEquals("BufferedImage 7x5", output.data("text/plain"));
  }

  @Test
  void variableReferenceResultIsRenderedFromTheLiveObjectToo() throws Exception {
    BufferedImage decoded = decodePng(variableImage.outputs().get(0));
    assertEquals(0x123456, decoded.getRGB(2, 3) & 0xffffff);
  }

  @Test
  void updateDisplayReplacesTheDisplayedImageInPlace() throws Exception {
    assertEquals(1, liveChart.outputs().size(), liveChart.outputs().toString());
    Output display = liveChart.outputs().get(0);
    assertEquals("display_data", display.type());
    BufferedImage decoded = decodePng(display);
    assertEquals(40, decoded.getWidth());
    assertEquals(6, decoded.getHeight());
  }

  @Test
  void xchartChartsShowAsPngAsInIJavasOwnDemo() throws Exception {
    BufferedImage decoded = decodePng(xchart.outputs().get(0));
    assertEquals(160, decoded.getWidth());
    assertEquals(120, decoded.getHeight());
  }

  @Test
  void nullValueShowsNothing() {
    assertEquals(List.of(), nullValue.outputs());
  }

  @Test
  void forwardReferencesResolveOnceTheMissingDeclarationExists() {
    assertEquals(List.of(), forwardDeclare.outputs());
    assertResult(forwardCall, "42");
  }

  @Test
  void severalSnippetsOnOneLineShowTheLastValue() {
    assertResult(severalSnippets, "28");
  }

  @Test
  void renderShowsTheRequestedMimeType() {
    Output output = markdownRender.outputs().get(0);
    assertEquals("**bold**", output.data("text/markdown"));
    assertEquals("**bold**", output.data("text/plain"));
  }

  @Test
  void carriageReturnProgressKeepsOnlyTheFinalState() {
    assertEquals(1, progress.outputs().size());
    assertEquals("100%\ndone\n", progress.outputs().get(0).text());
  }

  @Test
  void emptyCellIsSkipped() {
    assertNull(empty.executionCount());
    assertEquals(List.of(), empty.outputs());
  }

  @Test
  void systemPropertiesAreVisibleDuringTheRunAndRestoredAfter() {
    assertResult(scale, "smoke");
    assertNull(System.getProperty("distill4j.scale"));
  }

  @Test
  void topLevelStatementsMayThrowCheckedExceptions() {
    assertResult(checkedException, "slept");
  }

  @Test
  void nonCodeCellsAreUntouchedAndTheWrittenNotebookValidates(@TempDir Path dir) throws Exception {
    assertEquals("# A test notebook\nwith *markdown*", notebook.cells().get(0).source());
    assertTrue(notebook.cells().get(0).outputs().isEmpty());
    Path file = dir.resolve("executed.ipynb");
    notebook.write(file);
    assertEquals(List.of(), Notebook.validate(file));
    Notebook reread = Notebook.read(file);
    assertEquals(notebook.toJson(), reread.toJson());
  }

  static void assertResult(Cell cell, String expectedText) {
    List<Output> results =
        cell.outputs().stream().filter(o -> o.type().equals("execute_result")).toList();
    assertEquals(1, results.size(), cell + " -> " + cell.outputs());
    assertEquals(expectedText, results.get(0).data("text/plain"));
    assertEquals(cell.executionCount(), results.get(0).executionCount());
  }

  static BufferedImage decodePng(Output output) throws Exception {
    String base64 = output.data("image/png");
    assertFalse(base64 == null || base64.isEmpty(), output.toString());
    return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64.strip())));
  }
}
