package org.distill4j.notebook;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;

/**
 * One notebook's kernel: a fresh JShell running in this JVM with IJava's default imports and the
 * display functions, the executor's classpath visible to snippets, stdout/stderr captured into the
 * running cell. Cells are run one by one with {@link #runCell}.
 */
final class NotebookSession implements AutoCloseable, MagicCommands.Host {
  /** IJava's start-up imports, plus the display functions under IJava's names. */
  static final List<String> STARTUP_IMPORTS =
      List.of(
          "java.util.*",
          "java.io.*",
          "java.math.*",
          "java.net.*",
          "java.util.concurrent.*",
          "java.util.prefs.*",
          "java.util.regex.*",
          "static " + NotebookRuntime.class.getName() + ".*");

  private static final int MAX_LOAD_DEPTH = 8;

  private final ExecutorSettings settings;
  private final InProcessExecutionControl control;
  private final JShell jshell;
  private final CellEvaluator evaluator;
  private final MagicCommands magics;
  private final OutputCollector collector = new OutputCollector();
  private final PrintStream capturedOut;
  private final PrintStream capturedErr;
  private int loadDepth;

  NotebookSession(ExecutorSettings settings) {
    this.settings = settings;
    Set<String> hostClasspath = hostClasspath();
    control = new InProcessExecutionControl(new SnippetLoader(hostClasspath));
    jshell =
        JShell.builder()
            .executionEngine(control.provider(), Map.of())
            .in(new ByteArrayInputStream(new byte[0]))
            .out(System.out)
            .err(System.err)
            .build();
    hostClasspath.forEach(jshell::addToClasspath);
    settings.classpath().forEach(entry -> jshell.addToClasspath(entry.toString()));
    evaluator = new CellEvaluator(jshell, control);
    magics =
        new MagicCommands(
            settings.workingDirectory(),
            settings.mavenRepository(),
            settings.providedArtifacts(),
            hostClasspath,
            this);
    capturedOut =
        new StreamCapture("stdout", collector, settings.echoOutput() ? System.out : null)
            .printStream();
    capturedErr =
        new StreamCapture("stderr", collector, settings.echoOutput() ? System.err : null)
            .printStream();
    runStartupImports();
    NotebookRuntime.install(collector);
  }

  /**
   * The classpath of the executor itself: {@code java.class.path}, the URLs of URL class loaders
   * above this package, and this package's own jar or directory.
   */
  static Set<String> hostClasspath() {
    Set<String> entries = new LinkedHashSet<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      addIfExists(entries, entry.isEmpty() ? null : Path.of(entry));
    }
    for (ClassLoader loader = NotebookRuntime.class.getClassLoader();
        loader != null;
        loader = loader.getParent()) {
      if (loader instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) {
          addIfExists(entries, toPath(url));
        }
      }
    }
    CodeSource source = NotebookRuntime.class.getProtectionDomain().getCodeSource();
    addIfExists(entries, source == null ? null : toPath(source.getLocation()));
    return entries;
  }

  private static Path toPath(URL url) {
    try {
      return url != null && url.getProtocol().equals("file") ? Path.of(url.toURI()) : null;
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  private static void addIfExists(Set<String> entries, Path path) {
    if (path != null && Files.exists(path)) {
      entries.add(path.toAbsolutePath().normalize().toString());
    }
  }

  private void runStartupImports() {
    for (String name : STARTUP_IMPORTS) {
      for (SnippetEvent event : jshell.eval("import " + name + ";")) {
        if (event.status() != Snippet.Status.VALID) {
          throw new IllegalStateException(
              "notebook start-up failed: import "
                  + name
                  + ": "
                  + jshell
                      .diagnostics(event.snippet())
                      .map(d -> d.getMessage(java.util.Locale.ROOT))
                      .toList()
                  + " (is "
                  + NotebookRuntime.class.getName()
                  + " on the classpath?)");
        }
      }
    }
  }

  /**
   * Runs a code cell: replaces its outputs and sets its prompt number.
   *
   * @return null on success, else why the cell failed (the error is also stored as an output)
   */
  CellFailure runCell(Cell cell, int codeCellNumber, int executionCount) {
    cell.outputs().clear();
    cell.setExecutionCount(executionCount);
    collector.startCell(cell.outputs());
    PrintStream out = System.out;
    PrintStream err = System.err;
    InputStream in = System.in;
    System.setOut(capturedOut);
    System.setErr(capturedErr);
    System.setIn(new ByteArrayInputStream(new byte[0]));
    long timeout = settings.cellTimeout() == null ? 0 : settings.cellTimeout().toNanos();
    control.setDeadline(timeout == 0 ? 0 : System.nanoTime() + timeout);
    try {
      CellEvaluator.Result result = runParts(cell.source(), "code cell " + codeCellNumber, "");
      if (result.present()) {
        collector.add(Output.executeResult(render(result), executionCount));
      }
      return null;
    } catch (CellFailure failure) {
      CellFailure reported =
          control.timedOut()
              ? CellFailure.simple(
                  "TimeoutException",
                  "timed out after " + describe(settings.cellTimeout()) + "; the cell was stopped")
              : failure;
      collector.add(reported.toOutput());
      return reported;
    } catch (RuntimeException e) {
      // JShell itself failed (e.g. its engine died after a stopped cell): report, do not crash.
      CellFailure internal =
          CellFailure.simple(e.getClass().getName(), "executor error: " + e.getMessage());
      collector.add(internal.toOutput());
      return internal;
    } finally {
      control.setDeadline(0);
      capturedOut.flush();
      capturedErr.flush();
      System.setOut(out);
      System.setErr(err);
      System.setIn(in);
      collector.finishCell();
    }
  }

  private static Map<String, String> render(CellEvaluator.Result result) throws CellFailure {
    if (result.value() == null) {
      return Map.of(MimeRenderer.TEXT_PLAIN, result.text());
    }
    try {
      return MimeRenderer.render(result.value());
    } catch (RuntimeException e) {
      throw CellFailure.simple(
          e.getClass().getName(), "cannot show the cell's value: " + e.getMessage());
    }
  }

  /** Runs code and magics in order; the result is that of the last part when it is code. */
  private CellEvaluator.Result runParts(String source, String label, String prefix)
      throws CellFailure {
    CellEvaluator.Result result = CellEvaluator.Result.NONE;
    for (CellSource.Part part : parseLocated(source, prefix)) {
      if (part instanceof CellSource.Code code) {
        result =
            evaluator.evaluate(
                code.text(), new CellEvaluator.Location(label, prefix, code.firstLine()));
      } else if (part instanceof CellSource.Magic magic) {
        result = CellEvaluator.Result.NONE;
        try {
          magics.run(magic.name(), magic.arguments());
        } catch (CellFailure failure) {
          throw failure.located(prefix + "line " + magic.line() + ": ");
        }
      }
    }
    return result;
  }

  private static List<CellSource.Part> parseLocated(String source, String prefix)
      throws CellFailure {
    try {
      return CellSource.parse(source);
    } catch (CellFailure failure) {
      throw failure.located(prefix);
    }
  }

  @Override
  public void addToClasspath(Path entry) {
    jshell.addToClasspath(entry.toAbsolutePath().normalize().toString());
  }

  @Override
  public void runSource(String source, String origin) throws CellFailure {
    if (loadDepth >= MAX_LOAD_DEPTH) {
      throw CellFailure.simple(
          "MagicException", "%load nested more than " + MAX_LOAD_DEPTH + " deep at " + origin);
    }
    loadDepth++;
    try {
      String name = Path.of(origin).getFileName().toString();
      runParts(source, name, "in " + name + " ");
    } finally {
      loadDepth--;
    }
  }

  @Override
  public void log(String note) {
    settings.log().accept(note);
  }

  private static String describe(java.time.Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  @Override
  public void close() {
    NotebookRuntime.uninstall(collector);
    jshell.close();
  }
}
