package org.distill4j.notebook;

import java.util.Map;

/**
 * The functions every notebook run by {@link NotebookExecutor} can call without an import, with the
 * names and signatures of IJava's (and JJava's) display functions, so one notebook runs unchanged
 * under both: the executor starts each notebook with {@code import static
 * org.distill4j.notebook.NotebookRuntime.*;}. Notebooks must therefore not import this class
 * themselves (under IJava the same names come from the kernel's own static imports).
 *
 * <p>Outside a running notebook, {@code display} and {@code updateDisplay} throw {@link
 * IllegalStateException}.
 */
public final class NotebookRuntime {
  /** Where display calls of the running notebook go. */
  interface DisplaySink {
    /** Publishes a new display output and returns its id. */
    String display(Map<String, String> bundle);

    /** Replaces the data of the display output {@code id} in place. */
    void update(String id, Map<String, String> bundle);
  }

  private static volatile DisplaySink sink;

  private NotebookRuntime() {}

  static void install(DisplaySink newSink) {
    sink = newSink;
  }

  static void uninstall(DisplaySink oldSink) {
    if (sink == oldSink) {
      sink = null;
    }
  }

  /**
   * Shows {@code o} now as a {@code display_data} output (images as PNG, anything else as text) and
   * returns its display id for {@link #updateDisplay(String, Object)}.
   */
  public static String display(Object o) {
    return currentSink().display(MimeRenderer.render(o));
  }

  /** Shows {@code o} rendered as the given mime types (plus text/plain); returns the display id. */
  public static String display(Object o, String... mimeTypes) {
    return currentSink().display(MimeRenderer.render(o, mimeTypes));
  }

  /**
   * Replaces the output shown by {@code display} under {@code id} with {@code o}, in place (a live
   * chart redrawn each epoch stays one output).
   *
   * @throws IllegalArgumentException when no display has that id
   */
  public static void updateDisplay(String id, Object o) {
    currentSink().update(id, MimeRenderer.render(o));
  }

  /** As {@link #updateDisplay(String, Object)}, rendered as the given mime types. */
  public static void updateDisplay(String id, Object o, String... mimeTypes) {
    currentSink().update(id, MimeRenderer.render(o, mimeTypes));
  }

  /**
   * Renders without publishing; left as a cell's last expression the result is shown as the
   * requested types, e.g. {@code render(markdownText, "text/markdown")}.
   */
  public static DisplayData render(Object o, String... mimeTypes) {
    return new DisplayData(MimeRenderer.render(o, mimeTypes));
  }

  /** {@code System.out.printf}, as the top-level {@code printf} IJava defines. */
  public static void printf(String format, Object... args) {
    System.out.printf(format, args);
  }

  private static DisplaySink currentSink() {
    DisplaySink current = sink;
    if (current == null) {
      throw new IllegalStateException(
          "display functions work only while NotebookExecutor runs a notebook");
    }
    return current;
  }
}
