package org.distill4j.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.distill4j.notebook.Cell;
import org.distill4j.notebook.Notebook;
import org.distill4j.notebook.Output;
import org.distill4j.tutorial.TutorialScale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code notebook} command on small notebooks that train nothing. */
class NotebookCommandTest {
  @TempDir Path tmp;
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

  private int run(String... args) throws Exception {
    return new NotebookCommand(new PrintStream(errBytes, true, StandardCharsets.UTF_8)).run(args);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  /** A notebook that reads the scale, draws a picture and loads a jar relative to its folder. */
  private Path writeGoodNotebook(Path folder) throws Exception {
    Files.createDirectories(folder.resolve("lib"));
    try (JarOutputStream jar =
        new JarOutputStream(Files.newOutputStream(folder.resolve("lib/marker.jar")))) {
      jar.putNextEntry(new JarEntry("marker.txt"));
      jar.write("a jar the notebook loads relative to its own folder".getBytes(UTF_8));
      jar.closeEntry();
    }
    Notebook nb = Notebook.create();
    nb.addMarkdown("# scale check");
    nb.addCode("%jars lib/*.jar\nimport java.awt.image.BufferedImage;");
    nb.addCode("System.out.println(\"scale=\" + System.getProperty(\"distill4j.scale\"));");
    nb.addCode("new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB)");
    Path file = folder.resolve("good.ipynb");
    nb.write(file);
    return file;
  }

  @Test
  void runsEachNotebookAtTheScaleAndWritesOutputsIntoOut() throws Exception {
    Path file = writeGoodNotebook(tmp.resolve("nbs"));
    String before = Files.readString(file);
    Path out = tmp.resolve("executed");
    assertEquals(
        Main.OK, run(file.toString(), "--scale", "smoke", "--out", out.toString(), "--quiet"));
    assertEquals(before, Files.readString(file), "the source notebook is left alone with --out");
    Notebook done = Notebook.read(out.resolve("good.ipynb"));
    List<Cell> code = done.codeCells();
    assertEquals(List.of(1, 2, 3), code.stream().map(Cell::executionCount).toList());
    Output printed = code.get(1).outputs().get(0);
    assertEquals("scale=smoke\n", printed.text());
    assertTrue(code.get(2).outputs().get(0).mimeTypes().contains("image/png"));
    assertNull(
        System.getProperty(TutorialScale.SCALE_PROPERTY), "the property is restored afterwards");
    assertTrue(err().contains("3 code cells ran"), err());
  }

  @Test
  void withoutOutTheNotebookIsRewrittenInPlace() throws Exception {
    Path file = writeGoodNotebook(tmp.resolve("inplace"));
    assertEquals(Main.OK, run(file.toString(), "--scale", "cpu", "--quiet"));
    Notebook done = Notebook.read(file);
    assertEquals("scale=cpu\n", done.codeCells().get(1).outputs().get(0).text());
  }

  @Test
  void aFailingCellFailsTheRunWithOneLineNamingNotebookAndCell() throws Exception {
    Path good = writeGoodNotebook(tmp.resolve("mixed"));
    Notebook nb = Notebook.create();
    nb.addCode("int a = 1;");
    nb.addCode("int b = 2;\nthrow new IllegalStateException(\"no teacher\");");
    nb.addCode("System.out.println(\"never\");");
    Path bad = tmp.resolve("mixed/bad.ipynb");
    nb.write(bad);
    Path out = tmp.resolve("out");
    int code =
        run(
            bad.toString(),
            good.toString(),
            "--scale",
            "smoke",
            "--out",
            out.toString(),
            "--quiet");
    assertEquals(Main.FAILED, code);
    List<String> errors = err().lines().filter(l -> l.startsWith("error:")).toList();
    assertEquals(1, errors.size(), err());
    String line = errors.get(0);
    assertTrue(line.contains("bad.ipynb"), line);
    assertTrue(line.contains("code cell 2"), line);
    assertTrue(line.contains("no teacher"), line);
    // The notebook after the failing one still ran; the failing one was written for inspection.
    assertTrue(err().contains("good.ipynb: 3 code cells ran"), err());
    Notebook written = Notebook.read(out.resolve("bad.ipynb"));
    assertEquals("error", written.codeCells().get(1).outputs().get(0).type());
  }

  @Test
  void badArgumentsAreUsageErrors() throws Exception {
    ByteArrayOutputStream mainErr = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(mainErr, true, StandardCharsets.UTF_8);
    assertEquals(Main.USAGE, Main.run(new String[] {"notebook", "--scale", "smoke"}, stream));
    assertEquals(
        Main.USAGE,
        Main.run(new String[] {"notebook", tmp.resolve("none.ipynb").toString()}, stream));
    Path file = writeGoodNotebook(tmp.resolve("args"));
    assertEquals(
        Main.USAGE, Main.run(new String[] {"notebook", file.toString(), "--scale", "x"}, stream));
    String text = mainErr.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("no such notebook file"), text);
    assertTrue(text.contains("valid: smoke, cpu, gpu"), text);
  }
}
