package org.distill4j.data;

import java.util.List;

/** Formats long lists of problems into one readable line. */
final class Problems {
  private Problems() {}

  /** The first {@code limit} items joined by "; ", then "... and N more". */
  static String summarize(List<String> items, int limit) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(limit, items.size()); i++) {
      sb.append(i == 0 ? "" : "; ").append(items.get(i));
    }
    if (items.size() > limit) {
      sb.append("; ... and ").append(items.size() - limit).append(" more");
    }
    return sb.toString();
  }
}
