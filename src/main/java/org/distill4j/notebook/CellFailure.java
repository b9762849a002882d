package org.distill4j.notebook;

import java.util.List;

/**
 * Why a cell failed: a one-line summary for {@link ExecutionResult#error()} and the {@code error}
 * output stored in the cell.
 */
final class CellFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final String ename;
  private final String evalue;
  private final transient List<String> traceback;

  CellFailure(String summary, String ename, String evalue, List<String> traceback) {
    super(summary);
    this.ename = ename;
    this.evalue = evalue;
    this.traceback = List.copyOf(traceback);
  }

  /** A failure whose error output is just the summary (magic errors, timeouts). */
  static CellFailure simple(String ename, String summary) {
    return new CellFailure(summary, ename, summary, List.of(ename + ": " + summary));
  }

  /** The same failure with {@code where} (e.g. {@code "line 3: "}) put before its message. */
  CellFailure located(String where) {
    boolean plain = evalue.equals(getMessage());
    return new CellFailure(where + getMessage(), ename, plain ? where + evalue : evalue, traceback);
  }

  /** The error output to store in the cell. */
  Output toOutput() {
    return Output.error(ename, evalue, traceback);
  }
}
