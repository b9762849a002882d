package org.distill4j.notebook;

import java.time.Duration;
import java.util.List;

/**
 * What running a notebook did: success, or the first failing cell and why; and how long each
 * executed code cell took.
 */
public final class ExecutionResult {
  /**
   * The wall time of one executed code cell.
   *
   * @param cellIndex 0-based index among all cells
   * @param codeCellNumber 1-based number among code cells
   */
  public record CellTime(int cellIndex, int codeCellNumber, Duration wallTime) {}

  private final int failedCellIndex;
  private final int failedCodeCellNumber;
  private final String error;
  private final List<CellTime> cellTimes;
  private final Duration totalTime;

  ExecutionResult(
      int failedCellIndex,
      int failedCodeCellNumber,
      String error,
      List<CellTime> cellTimes,
      Duration totalTime) {
    this.failedCellIndex = failedCellIndex;
    this.failedCodeCellNumber = failedCodeCellNumber;
    this.error = error;
    this.cellTimes = List.copyOf(cellTimes);
    this.totalTime = totalTime;
  }

  /** True when every code cell ran without error. */
  public boolean success() {
    return error == null;
  }

  /** 0-based index among all cells of the failing cell, or -1. */
  public int failedCellIndex() {
    return failedCellIndex;
  }

  /** 1-based number among code cells of the failing cell, or -1. */
  public int failedCodeCellNumber() {
    return failedCodeCellNumber;
  }

  /**
   * One line saying which cell failed and why, or null on success, e.g. {@code cell index 7 (code
   * cell 4): line 2: compile error: cannot find symbol (symbol: variable y)} or {@code cell index 3
   * (code cell 2): line 1: java.lang.IllegalStateException: boom}. The cell index is 0-based among
   * all cells (as {@link #failedCellIndex()}), the line 1-based within the cell.
   */
  public String error() {
    return error;
  }

  /** Wall time of each code cell that ran, in order (the failing cell included). */
  public List<CellTime> cellTimes() {
    return cellTimes;
  }

  /** Wall time of the whole run, JShell start-up included. */
  public Duration totalTime() {
    return totalTime;
  }

  @Override
  public String toString() {
    return success()
        ? "success: " + cellTimes.size() + " code cells in " + totalTime.toMillis() + " ms"
        : "failed: " + error;
  }
}
