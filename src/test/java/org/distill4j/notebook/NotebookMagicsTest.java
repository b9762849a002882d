package org.distill4j.notebook;

import static org.distill4j.notebook.NotebookExecutorTest.assertResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Magics against a working directory holding freshly compiled classes, a jar and a Maven repo. */
class NotebookMagicsTest {
  @TempDir static Path work;
  private static Path jar;

  /** Compiles {@code demo.Greeter} into work/classes and packs {@code demo.Adder} as a jar. */
  @BeforeAll
  static void compileClasses() throws IOException {
    compile(
        "demo/Greeter.java",
        "package demo; public class Greeter {"
            + " public static String greet(String n) { return \"hi \" + n; } }",
        work.resolve("classes"));
    Path adderClasses = work.resolve("adder-classes");
    compile(
        "demo/Adder.java",
        "package demo; public class Adder { public static int add(int a, int b) { return a + b; } }",
        adderClasses);
    jar = work.resolve("lib/adder-1.0.jar");
    Files.createDirectories(jar.getParent());
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry("demo/Adder.class"));
      out.write(Files.readAllBytes(adderClasses.resolve("demo/Adder.class")));
      out.closeEntry();
    }
    Files.writeString(work.resolve("lib/notes.txt"), "not a jar");
  }

  private static void compile(String file, String source, Path outputDir) throws IOException {
    Path sourceFile = work.resolve("src").resolve(file);
    Files.createDirectories(sourceFile.getParent());
    Files.writeString(sourceFile, source);
    Files.createDirectories(outputDir);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    int status = compiler.run(null, null, null, "-d", outputDir.toString(), sourceFile.toString());
    assertEquals(0, status, "test class compiles");
  }

  private static ExecutionResult run(Notebook notebook, List<String> log) {
    return NotebookExecutor.builder()
        .optWorkingDirectory(work)
        .optMavenRepository(work.resolve("m2"))
        .optProvidedArtifact("org.distill4j:distill4j")
        .optLog(log::add)
        .build()
        .execute(notebook);
  }

  @Test
  void classpathMagicMakesACompiledDirectoryImportable() {
    Notebook notebook = Notebook.create();
    Cell cell =
        notebook.addCode("%classpath classes\nimport demo.Greeter;\nGreeter.greet(\"ann\")");
    ExecutionResult result = run(notebook, new ArrayList<>());
    assertTrue(result.success(), result.error());
    assertResult(cell, "hi ann");
  }

  @Test
  void jarsMagicAddsFilesMatchingAGlob() {
    Notebook notebook = Notebook.create();
    notebook.addCode("%jars lib/*.jar");
    Cell use = notebook.addCode("demo.Adder.add(2, 3)");
    ExecutionResult result = run(notebook, new ArrayList<>());
    assertTrue(result.success(), result.error());
    assertResult(use, "5");
  }

  @Test
  void globWithoutMatchesFails() {
    Notebook notebook = Notebook.create();
    notebook.addCode("%jars nothing/*.jar");
    ExecutionResult result = run(notebook, new ArrayList<>());
    assertEquals(
        "cell index 0 (code cell 1): line 1: %jars nothing/*.jar: no file matches (relative to "
            + work.toAbsolutePath().normalize()
            + ")",
        result.error());
  }

  @Test
  void mavenMagicResolvesAJarFromTheLocalRepository() throws IOException {
    Path artifact = work.resolve("m2/org/example/adder/1.0/adder-1.0.jar");
    Files.createDirectories(artifact.getParent());
    Files.copy(jar, artifact, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Notebook notebook = Notebook.create();
    Cell cell =
        notebook.addCode(
            "%maven org.example:adder:1.0\n"
                + "%maven org.distill4j:distill4j:0.1.0-SNAPSHOT\n"
                + "demo.Adder.add(40, 2)");
    List<String> log = new ArrayList<>();
    ExecutionResult result = run(notebook, log);
    assertTrue(result.success(), result.error());
    assertResult(cell, "42");
    assertEquals(
        List.of(
            "%maven org.example:adder:1.0: added "
                + artifact.toAbsolutePath()
                + " (its dependencies are not resolved)",
            "%maven org.distill4j:distill4j:0.1.0-SNAPSHOT: already on the executor's classpath"
                + " (declared as provided), not added again"),
        log);
  }

  @Test
  void mavenArtifactsOnTheHostClasspathAreNotAddedAgain() {
    Notebook notebook = Notebook.create();
    Cell cell = notebook.addCode("%maven ai.djl:api:0.1.0\nai.djl.ndarray.types.Shape.class");
    List<String> log = new ArrayList<>();
    ExecutionResult result = run(notebook, log);
    assertTrue(result.success(), result.error());
    assertResult(cell, "class ai.djl.ndarray.types.Shape");
    assertEquals(1, log.size());
    assertTrue(
        log.get(0)
            .matches(
                "%maven ai\\.djl:api:0\\.1\\.0: already on the executor's"
                    + " classpath \\(.*api-[0-9.]+\\.jar\\), not added again"),
        log.get(0));
  }

  @Test
  void mavenArtifactMissingFromTheLocalRepositoryFails() {
    Notebook notebook = Notebook.create();
    notebook.addCode("%maven org.example:absent:jar:linux-x86_64:2.0");
    ExecutionResult result = run(notebook, new ArrayList<>());
    Path expected =
        work.resolve("m2/org/example/absent/2.0/absent-2.0-linux-x86_64.jar").toAbsolutePath();
    assertTrue(
        result
            .error()
            .startsWith(
                "cell index 0 (code cell 1): line 1: %maven"
                    + " org.example:absent:jar:linux-x86_64:2.0: "
                    + expected
                    + " not found"),
        result.error());
  }

  @Test
  void loadRunsAScriptAndANotebookInTheCurrentSession() throws IOException {
    Files.writeString(work.resolve("helpers.jsh"), "int tripled(int v) {\n  return 3 * v;\n}\n");
    Notebook helper = Notebook.create();
    helper.addMarkdown("not run");
    helper.addCode("String loaded = \"from notebook\";");
    helper.addCode("int loadedCount = tripled(2);");
    helper.write(work.resolve("shared.ipynb"));

    Notebook notebook = Notebook.create();
    Cell first = notebook.addCode("%load helpers.jsh\ntripled(4)");
    Cell second = notebook.addCode("%load shared\nloaded + \" \" + loadedCount");
    ExecutionResult result = run(notebook, new ArrayList<>());
    assertTrue(result.success(), result.error());
    assertResult(first, "12");
    assertResult(second, "from notebook 6");
  }

  @Test
  void errorsInLoadedFilesNameTheFileAndLine() throws IOException {
    Files.writeString(work.resolve("broken.jsh"), "int ok = 1;\nint bad = nope;\n");
    Notebook notebook = Notebook.create();
    notebook.addCode("int a = 1;\n%load broken.jsh");
    ExecutionResult result = run(notebook, new ArrayList<>());
    assertEquals(
        "cell index 0 (code cell 1): line 2: in broken.jsh line 2: compile error: cannot find"
            + " symbol (symbol: variable nope)",
        result.error());
  }

  @Test
  void extraClasspathEntriesFromTheBuilderAreVisible() {
    Notebook notebook = Notebook.create();
    Cell cell = notebook.addCode("demo.Greeter.greet(\"bo\")");
    ExecutionResult result =
        NotebookExecutor.builder()
            .optWorkingDirectory(work)
            .optClasspath(List.of(Path.of("classes")))
            .build()
            .execute(notebook);
    assertTrue(result.success(), result.error());
    assertResult(cell, "hi bo");
  }

  @Test
  void contextClassLoaderSeesClassesAddedByMagics() {
    Notebook notebook = Notebook.create();
    Cell cell =
        notebook.addCode(
            "%classpath classes\n"
                + "Thread.currentThread().getContextClassLoader()"
                + ".loadClass(\"demo.Greeter\").getSimpleName()");
    ExecutionResult result = run(notebook, new ArrayList<>());
    assertTrue(result.success(), result.error());
    assertResult(cell, "Greeter");
  }

  @Test
  void executeFileWritesTheExecutedNotebook() throws IOException {
    Notebook notebook = Notebook.create();
    notebook.addCode("6 * 7");
    Path input = work.resolve("in.ipynb");
    notebook.write(input);
    Path output = work.resolve("out/in.ipynb");
    ExecutionResult result = NotebookExecutor.builder().build().executeFile(input, output);
    assertTrue(result.success(), result.error());
    String json = Files.readString(output, StandardCharsets.UTF_8);
    assertTrue(json.contains("\"42\""), json);
    assertTrue(Notebook.isValid(output));
  }
}
