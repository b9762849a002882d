package org.distill4j.notebook;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One notebook cell: its type, source text, metadata and (for code cells) outputs and prompt
 * number. Keys this class does not model (a cell {@code id}, markdown {@code attachments}) are kept
 * as they were read.
 */
public final class Cell {
  private final CellType type;
  private String source;
  private final JsonObject metadata;
  private final JsonObject otherKeys;
  private Integer executionCount;
  private final List<Output> outputs = new ArrayList<>();

  Cell(CellType type, String source, JsonObject metadata, JsonObject otherKeys) {
    this.type = Objects.requireNonNull(type, "type");
    this.source = Objects.requireNonNull(source, "source");
    this.metadata = metadata;
    this.otherKeys = otherKeys;
  }

  /** The cell type. */
  public CellType type() {
    return type;
  }

  /** True for code cells. */
  public boolean isCode() {
    return type == CellType.CODE;
  }

  /** The source text, lines joined with their line breaks. */
  public String source() {
    return source;
  }

  /** Replaces the source text. */
  public void setSource(String source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  /** The cell metadata, live: changes are written back with the notebook. */
  public JsonObject metadata() {
    return metadata;
  }

  /** The nbformat 4.5 cell id, or null when the cell has none (notebooks before 4.5). */
  public String id() {
    return otherKeys.has("id") ? otherKeys.get("id").getAsString() : null;
  }

  /** The prompt number of a code cell, or null when it has not been run. */
  public Integer executionCount() {
    return executionCount;
  }

  /** Sets the prompt number of a code cell (null = not run). */
  public void setExecutionCount(Integer executionCount) {
    requireCode();
    this.executionCount = executionCount;
  }

  /** The outputs of a code cell, live and mutable; always empty for other cells. */
  public List<Output> outputs() {
    return isCode() ? outputs : List.of();
  }

  /** Removes a code cell's outputs and prompt number, as Jupyter's "clear output" does. */
  public void clearOutputs() {
    if (isCode()) {
      outputs.clear();
      executionCount = null;
    }
  }

  /** Keys of the cell JSON that this class does not model, as read. */
  JsonObject otherKeys() {
    return otherKeys;
  }

  private void requireCode() {
    if (!isCode()) {
      throw new IllegalStateException("only code cells have outputs, this is a " + type.jsonName());
    }
  }

  @Override
  public String toString() {
    return type.jsonName() + " cell: " + source.lines().findFirst().orElse("");
  }
}
