package org.distill4j.notebook;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Evaluates Java code the way IJava does: split into JShell snippets with {@code
 * analyzeCompletion}, evaluated in order; compile errors and exceptions fail with the line they
 * happened on; the value of the last snippet, when it is an expression, is the code's result.
 */
final class CellEvaluator {
  /**
   * Where code comes from.
   *
   * @param label names the source in tracebacks ("code cell 2", "helpers.jsh")
   * @param prefix starts error summaries: "" for the running cell, "in helpers.jsh " for loads
   * @param firstLine 1-based line of the code's first line in that source
   */
  record Location(String label, String prefix, int firstLine) {
    Location atLine(int line) {
      return new Location(label, prefix, line);
    }
  }

  /** The value of evaluated code: none, a live object, or only JShell's text for it. */
  record Result(boolean present, Object value, String text) {
    static final Result NONE = new Result(false, null, null);
  }

  private static final Set<Snippet.SubKind> VALUE_KINDS =
      Set.of(
          Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND,
          Snippet.SubKind.VAR_VALUE_SUBKIND,
          Snippet.SubKind.OTHER_EXPRESSION_SUBKIND);

  private final JShell jshell;
  private final InProcessExecutionControl control;
  private final Map<String, Location> snippetStarts = new HashMap<>();

  CellEvaluator(JShell jshell, InProcessExecutionControl control) {
    this.jshell = jshell;
    this.control = control;
  }

  /** Evaluates {@code code}; the result is that of its last snippet. */
  Result evaluate(String code, Location location) throws CellFailure {
    Result result = Result.NONE;
    String remaining = code;
    while (!remaining.isBlank()) {
      CompletionInfo info = jshell.sourceCodeAnalysis().analyzeCompletion(remaining);
      if (info.completeness() == Completeness.EMPTY) {
        break;
      }
      // JShell numbers run-time lines wrongly when a snippet starts with blank lines, so each
      // snippet is evaluated from its first token and located by that token's line.
      String source = info.completeness().isComplete() ? info.source() : remaining;
      int skipped = firstTokenOffset(source);
      int start = code.length() - remaining.length() + skipped;
      Location snippetLocation = location.atLine(location.firstLine() + lineIndex(code, start));
      if (!info.completeness().isComplete()) {
        throw CellFailure.simple(
                "CompilationException",
                "compile error: incomplete code (missing ';', ')' or '}'?): "
                    + remaining.substring(skipped).lines().findFirst().orElse(""))
            .located(where(snippetLocation));
      }
      if (skipped < source.length()) {
        result = evaluateSnippet(source.substring(skipped), snippetLocation);
      }
      remaining = info.remaining();
    }
    return result;
  }

  private Result evaluateSnippet(String source, Location location) throws CellFailure {
    control.clearCapturedValue();
    List<SnippetEvent> events = jshell.eval(source);
    if (control.timedOut()) {
      throw CellFailure.simple("TimeoutException", "timed out");
    }
    Result result = Result.NONE;
    for (SnippetEvent event : events) {
      if (event.causeSnippet() != null) {
        continue; // an update of another snippet caused by this one
      }
      snippetStarts.put(event.snippet().id(), location);
      checkEvent(event, source, location);
      result = resultOf(event);
    }
    return result;
  }

  private void checkEvent(SnippetEvent event, String source, Location location) throws CellFailure {
    JShellException exception = event.exception();
    if (exception != null) {
      throw runtimeFailure(exception, location);
    }
    switch (event.status()) {
      case REJECTED -> throw compileFailure(event.snippet(), source, location);
      case RECOVERABLE_NOT_DEFINED -> throw unresolvedFailure(event.snippet(), location);
      default -> {
        // VALID or RECOVERABLE_DEFINED (a forward reference, usable once the rest exists)
      }
    }
  }

  private Result resultOf(SnippetEvent event) {
    if (!VALUE_KINDS.contains(event.snippet().subKind()) || event.value() == null) {
      return Result.NONE;
    }
    if (control.hasCapturedValue() && event.value().equals(control.capturedValueText())) {
      Object value = control.capturedValue();
      return value == null ? Result.NONE : new Result(true, value, event.value());
    }
    return new Result(true, null, event.value());
  }

  private CellFailure compileFailure(Snippet snippet, String source, Location location) {
    List<Diag> errors = jshell.diagnostics(snippet).filter(Diag::isError).toList();
    if (errors.isEmpty()) {
      return CellFailure.simple("CompilationException", "compile error: rejected by JShell")
          .located(where(location));
    }
    List<String> traceback = new ArrayList<>();
    for (Diag diag : errors) {
      int position = (int) Math.max(0, Math.min(diag.getStartPosition(), source.length()));
      int line = lineIndex(source, position);
      traceback.add(where(location, line) + diag.getMessage(Locale.ROOT));
      String sourceLine = source.split("\n", -1)[line];
      traceback.add(sourceLine);
      int column = position - (source.lastIndexOf('\n', position - 1) + 1);
      traceback.add(" ".repeat(column) + "^");
    }
    Diag first = errors.get(0);
    int firstLine = lineIndex(source, (int) Math.max(0, first.getStartPosition()));
    String summary =
        where(location, firstLine) + "compile error: " + oneLine(first.getMessage(Locale.ROOT));
    return new CellFailure(summary, "CompilationException", summary, traceback);
  }

  private CellFailure unresolvedFailure(Snippet snippet, Location location) {
    String missing =
        snippet instanceof jdk.jshell.DeclarationSnippet declaration
            ? String.join(", ", jshell.unresolvedDependencies(declaration).toList())
            : "?";
    return CellFailure.simple(
            "CompilationException", "compile error: unresolved dependencies: " + missing)
        .located(where(location));
  }

  private CellFailure runtimeFailure(JShellException exception, Location location) {
    if (exception instanceof UnresolvedReferenceException unresolved) {
      String missing =
          String.join(", ", jshell.unresolvedDependencies(unresolved.getSnippet()).toList());
      return CellFailure.simple(
              "UnresolvedReferenceException",
              "runtime error: "
                  + unresolved.getSnippet().source().strip().lines().findFirst().orElse("")
                  + " ... uses "
                  + missing
                  + ", which is not defined")
          .located(where(location));
    }
    String name =
        exception instanceof EvalException eval
            ? eval.getExceptionClassName()
            : exception.getClass().getName();
    String message = exception.getMessage();
    String headline = message == null ? name : name + ": " + message;
    List<String> traceback = new ArrayList<>();
    for (Throwable t = exception; t != null; t = t.getCause()) {
      String causeName =
          t instanceof EvalException e ? e.getExceptionClassName() : t.getClass().getName();
      traceback.add(
          (t == exception ? "" : "Caused by: ")
              + (t.getMessage() == null ? causeName : causeName + ": " + t.getMessage()));
      traceback.addAll(describeFrames(t.getStackTrace()));
    }
    // The deepest snippet frame is the statement of this cell that led to the exception.
    Integer failedAt = null;
    for (StackTraceElement frame : exception.getStackTrace()) {
      failedAt = snippetLine(frame) != null ? snippetLine(frame) : failedAt;
    }
    Location at = location.atLine(failedAt != null ? failedAt : location.firstLine());
    return new CellFailure(where(at) + headline, name, message == null ? "" : message, traceback);
  }

  /** Frames as "at ..." lines, snippet frames as cell lines, the executor's own frames cut off. */
  private List<String> describeFrames(StackTraceElement[] frames) {
    int last = frames.length - 1;
    while (last >= 0 && snippetLine(frames[last]) == null) {
      last--;
    }
    List<String> lines = new ArrayList<>();
    for (int i = 0; i <= (last >= 0 ? last : frames.length - 1); i++) {
      String snippetFrame = describeSnippetFrame(frames[i]);
      lines.add("\tat " + (snippetFrame != null ? snippetFrame : frames[i].toString()));
    }
    return lines;
  }

  /** "code cell 2 line 3" for a frame of snippet code, null for other frames. */
  private String describeSnippetFrame(StackTraceElement frame) {
    Integer line = snippetLine(frame);
    if (line == null) {
      return null;
    }
    Location start = snippetStarts.get(snippetId(frame));
    return start.label() + " line " + line;
  }

  private Integer snippetLine(StackTraceElement frame) {
    Location start = snippetStarts.get(snippetId(frame));
    if (start == null || frame.getLineNumber() < 1) {
      return null;
    }
    return start.firstLine() + frame.getLineNumber() - 1;
  }

  /** JShell names the file of snippet frames {@code #id}. */
  private static String snippetId(StackTraceElement frame) {
    String file = frame.getFileName();
    return file != null && file.startsWith("#") ? file.substring(1) : null;
  }

  private static String where(Location location) {
    return location.prefix() + "line " + location.firstLine() + ": ";
  }

  private static String where(Location location, int lineOffset) {
    return where(location.atLine(location.firstLine() + lineOffset));
  }

  /** Offset of the first character that is neither whitespace nor inside a comment. */
  static int firstTokenOffset(String text) {
    int at = 0;
    while (at < text.length()) {
      if (Character.isWhitespace(text.charAt(at))) {
        at++;
      } else if (text.startsWith("//", at)) {
        int end = text.indexOf('\n', at);
        at = end < 0 ? text.length() : end + 1;
      } else if (text.startsWith("/*", at)) {
        int end = text.indexOf("*/", at + 2);
        at = end < 0 ? text.length() : end + 2;
      } else {
        break;
      }
    }
    return at;
  }

  /** The 0-based line of {@code offset} in {@code text}. */
  static int lineIndex(String text, int offset) {
    int lines = 0;
    for (int i = 0; i < Math.min(offset, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        lines++;
      }
    }
    return lines;
  }

  /**
   * A javac message on one line: "cannot find symbol (symbol: variable y)". JShell's location lines
   * name its synthetic wrapper class and are dropped.
   */
  static String oneLine(String message) {
    String[] lines = message.split("\n");
    List<String> details = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String detail = lines[i].strip().replaceAll("\\s+", " ");
      if (!detail.isEmpty() && !detail.startsWith("location:")) {
        details.add(detail);
      }
    }
    return details.isEmpty() ? lines[0] : lines[0] + " (" + String.join(", ", details) + ")";
  }
}
