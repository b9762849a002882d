package org.distill4j.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The building blocks of the executor, one by one. */
class NotebookPartsTest {
  @Test
  void globMatchesWithinOneSegmentAndTrailingSlashListsFiles(@TempDir Path dir) throws Exception {
    for (String file :
        List.of(
            "lib/a-1.jar",
            "lib/b-2.jar",
            "lib/c.txt",
            "lib/sub/d.jar",
            "other/x/y.jar",
            "other/z/y.jar")) {
      Files.createDirectories(dir.resolve(file).getParent());
      Files.writeString(dir.resolve(file), "");
    }
    assertEquals(
        List.of(dir.resolve("lib/a-1.jar"), dir.resolve("lib/b-2.jar")),
        ClasspathGlob.resolve(dir, "lib/*.jar", true));
    assertEquals(
        List.of(dir.resolve("lib/a-1.jar")), ClasspathGlob.resolve(dir, "lib/?-1.jar", true));
    assertEquals(
        List.of(dir.resolve("lib/a-1.jar"), dir.resolve("lib/b-2.jar"), dir.resolve("lib/c.txt")),
        ClasspathGlob.resolve(dir, "lib/", true),
        "a trailing slash lists the directory's regular files, not recursively");
    assertEquals(
        List.of(dir.resolve("other/x/y.jar"), dir.resolve("other/z/y.jar")),
        ClasspathGlob.resolve(dir, "other/*/y.jar", true));
    assertEquals(List.of(dir.resolve("lib/sub")), ClasspathGlob.resolve(dir, "lib/s*", false));
    assertEquals(List.of(), ClasspathGlob.resolve(dir, "lib/s*", true), "%jars adds only files");
    assertEquals(
        List.of(dir.resolve("lib/c.txt")),
        ClasspathGlob.resolve(dir.resolve("other"), "../lib/c.txt", true));
    String absolute = dir.resolve("lib").toString().replace('\\', '/') + "/b*.jar";
    assertEquals(List.of(dir.resolve("lib/b-2.jar")), ClasspathGlob.resolve(dir, absolute, true));
    assertEquals(List.of(), ClasspathGlob.resolve(dir, "missing/*.jar", true));
  }

  @Test
  void cellSourceSplitsCodeAndMagicsWithLineNumbers() throws Exception {
    List<CellSource.Part> parts =
        CellSource.parse(
            "int a = 1;\n  %classpath target/classes lib/\nString s = \"\"\"\n%notmagic\n\"\"\";\n"
                + "%load x.jsh\n");
    assertEquals(
        List.of(
            new CellSource.Code("int a = 1;\n", 1),
            new CellSource.Magic("classpath", "target/classes lib/", 2),
            new CellSource.Code("String s = \"\"\"\n%notmagic\n\"\"\";\n", 3),
            new CellSource.Magic("load", "x.jsh", 6)),
        parts);
  }

  @Test
  void usingAMagicsValueIsRejectedWithAHint() {
    CellFailure failure =
        assertThrows(CellFailure.class, () -> CellSource.parse("List<String> added = %jars a/*"));
    assertTrue(failure.getMessage().contains("put the magic on its own line"));
  }

  @Test
  void magicArgumentsSplitOnWhitespaceAndKeepQuotedSpaces() {
    assertEquals(
        List.of("a", "b c", "d'e", "-v"), MagicCommands.tokenize("  a \"b c\"  \"d'e\" -v "));
    assertEquals(List.of(), MagicCommands.tokenize("   "));
  }

  @Test
  void carriageReturnsKeepWhatATerminalWouldShow() {
    assertEquals("c\nz\n", OutputCollector.collapseCarriageReturns("a\rb\rc\nx\rz\n"));
    assertEquals("line\r\nnext", OutputCollector.collapseCarriageReturns("line\r\nnext"));
    assertEquals("b\r", OutputCollector.collapseCarriageReturns("a\rb\r"));
    assertEquals("plain", OutputCollector.collapseCarriageReturns("plain"));
  }

  @Test
  void displayIdsStayValidAcrossCellsAndUnknownIdsFail() {
    OutputCollector collector = new OutputCollector();
    List<Output> first = new ArrayList<>();
    collector.startCell(first);
    String id = collector.display(Map.of("text/plain", "epoch 1"));
    List<Output> second = new ArrayList<>();
    collector.startCell(second);
    collector.update(id, Map.of("text/plain", "epoch 2"));
    assertEquals("epoch 2", first.get(0).data("text/plain"));
    assertEquals(List.of(), second);
    assertThrows(IllegalArgumentException.class, () -> collector.update("nope", Map.of()));
  }

  @Test
  void streamCaptureDecodesCharactersSplitAcrossWrites() {
    OutputCollector collector = new OutputCollector();
    List<Output> outputs = new ArrayList<>();
    collector.startCell(outputs);
    StreamCapture capture = new StreamCapture("stdout", collector, null);
    byte[] bytes = "é€😀!".getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      capture.write(b);
    }
    assertEquals("é€😀!", outputs.get(0).text());
    assertEquals(2, StreamCapture.completeLength(new byte[] {'a', 'b', (byte) 0xE2, (byte) 0x82}));
    assertEquals(3, StreamCapture.completeLength(new byte[] {'a', (byte) 0xC3, (byte) 0xA9}));
  }

  @Test
  void streamCaptureEchoesWhenAsked() {
    java.io.ByteArrayOutputStream echoed = new java.io.ByteArrayOutputStream();
    OutputCollector collector = new OutputCollector();
    collector.startCell(new ArrayList<>());
    PrintStream stream =
        new StreamCapture("stderr", collector, new PrintStream(echoed, true)).printStream();
    stream.print("progress");
    assertEquals("progress", echoed.toString(StandardCharsets.UTF_8));
  }

  @Test
  void imagesRenderAsRequestedFormatsAndOtherObjectsAsText() throws Exception {
    BufferedImage image = new BufferedImage(4, 3, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(1, 1, 0xff00ff00);
    Map<String, String> jpeg = MimeRenderer.render(image, "image/jpeg");
    assertEquals(List.of("image/jpeg", "text/plain"), List.copyOf(jpeg.keySet()));
    BufferedImage decoded =
        ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(jpeg.get("image/jpeg"))));
    assertEquals(4, decoded.getWidth());

    assertEquals(Map.of("text/plain", "[1, 2]"), MimeRenderer.render(List.of(1, 2)));
    assertEquals(
        Map.of("text/html", "<b>x</b>", "text/plain", "<b>x</b>"),
        MimeRenderer.render("<b>x</b>", "text/html"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MimeRenderer.render(42, "text/html"));
    assertTrue(e.getMessage().startsWith("cannot render a java.lang.Integer as text/html"));
  }

  @Test
  void displayOutsideARunningNotebookIsAnError() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> NotebookRuntime.display("x"));
    assertTrue(e.getMessage().contains("NotebookExecutor"));
    assertEquals(
        "**b**", NotebookRuntime.render("**b**", "text/markdown").data().get("text/markdown"));
  }

  @Test
  void oneLineCompilerMessagesDropJShellsWrapperLocation() {
    assertEquals(
        "cannot find symbol (symbol: variable y)",
        CellEvaluator.oneLine("cannot find symbol\n  symbol:   variable y\n  location: class "));
    assertEquals("';' expected", CellEvaluator.oneLine("';' expected"));
    assertEquals(13, CellEvaluator.firstTokenOffset("\n// a\n/* b */x"));
    assertArrayEquals(
        new int[] {0, 1, 2},
        new int[] {
          CellEvaluator.lineIndex("a\nb\nc", 0),
          CellEvaluator.lineIndex("a\nb\nc", 2),
          CellEvaluator.lineIndex("a\nb\nc", 4)
        });
  }
}
