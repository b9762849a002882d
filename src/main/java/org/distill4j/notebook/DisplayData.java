package org.distill4j.notebook;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A rendered object: a mime bundle (mime type to text, or base64 for binary types) as produced by
 * {@link NotebookRuntime#render(Object, String...)}. Left as a cell's last expression it is shown
 * as that bundle instead of as an object.
 */
public final class DisplayData {
  private final Map<String, String> data;

  DisplayData(Map<String, String> data) {
    this.data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  /** The bundle: mime type to text or base64. */
  public Map<String, String> data() {
    return data;
  }

  @Override
  public String toString() {
    return data.getOrDefault(MimeRenderer.TEXT_PLAIN, data.toString());
  }
}
