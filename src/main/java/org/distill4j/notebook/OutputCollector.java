package org.distill4j.notebook;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Collects the outputs of the running cell in the order they happen: stream text (consecutive
 * writes to one stream merged into one output), displays, the result and errors. Display ids stay
 * valid for the whole notebook, so a later cell can update an earlier cell's chart. Ids live only
 * in memory, as in Jupyter: nbformat has no place for them in a saved output.
 */
final class OutputCollector implements NotebookRuntime.DisplaySink {
  private List<Output> target;
  private final Map<String, Output> displays = new HashMap<>();

  /** Directs everything that follows into {@code outputs} (a cell's live output list). */
  synchronized void startCell(List<Output> outputs) {
    target = outputs;
  }

  /** Appends text printed to {@code stdout} or {@code stderr}. */
  synchronized void appendStream(String name, String text) {
    if (text.isEmpty() || target == null) {
      return;
    }
    if (!target.isEmpty()) {
      Output last = target.get(target.size() - 1);
      if (Output.STREAM.equals(last.type()) && name.equals(last.streamName())) {
        last.appendText(text);
        return;
      }
    }
    target.add(Output.stream(name, text));
  }

  /** Adds a result or error output. */
  synchronized void add(Output output) {
    if (target != null) {
      target.add(output);
    }
  }

  @Override
  public synchronized String display(Map<String, String> bundle) {
    String id = UUID.randomUUID().toString();
    Output output = Output.displayData(bundle);
    displays.put(id, output);
    add(output);
    return id;
  }

  @Override
  public synchronized void update(String id, Map<String, String> bundle) {
    Output output = displays.get(id);
    if (output == null) {
      throw new IllegalArgumentException("updateDisplay: no display has the id " + id);
    }
    output.replaceData(bundle);
  }

  /** Ends the cell: progress lines redrawn with carriage returns keep only their final state. */
  synchronized void finishCell() {
    if (target != null) {
      for (Output output : target) {
        if (Output.STREAM.equals(output.type())) {
          output.setText(collapseCarriageReturns(output.text()));
        }
      }
    }
  }

  /**
   * Within each line, drops everything up to a carriage return that more text overwrites, which is
   * what a terminal (and Jupyter's renderer) shows for a progress bar.
   */
  static String collapseCarriageReturns(String text) {
    if (text.indexOf('\r') < 0) {
      return text;
    }
    StringBuilder result = new StringBuilder(text.length());
    int start = 0;
    while (start < text.length()) {
      int newline = text.indexOf('\n', start);
      int end = newline < 0 ? text.length() : newline;
      String line = text.substring(start, end);
      int overwrite = line.lastIndexOf('\r', line.length() - 2);
      result.append(overwrite >= 0 ? line.substring(overwrite + 1) : line);
      if (newline >= 0) {
        result.append('\n');
      }
      start = end + 1;
    }
    return result.toString();
  }
}
