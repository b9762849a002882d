package org.distill4j.notebook;

import java.util.Locale;

/** The three cell types of nbformat 4. */
public enum CellType {
  CODE,
  MARKDOWN,
  RAW;

  /** The value of the cell's {@code cell_type} key. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type named by a {@code cell_type} value, or null when it is none of the three. */
  static CellType fromJsonName(String name) {
    for (CellType type : values()) {
      if (type.jsonName().equals(name)) {
        return type;
      }
    }
    return null;
  }
}
