package org.distill4j.notebook;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One output of a code cell, kept as its nbformat JSON object so that outputs this project does not
 * produce itself (read from a notebook written by Jupyter) survive a read/write round trip
 * unchanged. Factory methods build the four output types the executor produces.
 */
public final class Output {
  /** {@code output_type} of text written to stdout or stderr. */
  public static final String STREAM = "stream";

  /** {@code output_type} of a cell's value. */
  public static final String EXECUTE_RESULT = "execute_result";

  /** {@code output_type} of a {@code display(...)} call. */
  public static final String DISPLAY_DATA = "display_data";

  /** {@code output_type} of a failed cell. */
  public static final String ERROR = "error";

  private final JsonObject json;

  private Output(JsonObject json) {
    this.json = json;
  }

  /** Wraps an output object read from a notebook (the object is copied). */
  static Output fromJson(JsonObject json) {
    return new Output(json.deepCopy());
  }

  /** A {@code stream} output; {@code name} is {@code stdout} or {@code stderr}. */
  public static Output stream(String name, String text) {
    JsonObject json = new JsonObject();
    json.addProperty("output_type", STREAM);
    json.addProperty("name", Objects.requireNonNull(name, "name"));
    json.addProperty("text", Objects.requireNonNull(text, "text"));
    return new Output(json);
  }

  /** A {@code display_data} output holding a mime bundle (mime type to text or base64). */
  public static Output displayData(Map<String, String> data) {
    JsonObject json = new JsonObject();
    json.addProperty("output_type", DISPLAY_DATA);
    json.add("data", bundle(data));
    json.add("metadata", new JsonObject());
    return new Output(json);
  }

  /** An {@code execute_result} output: the value of a cell whose prompt number is {@code count}. */
  public static Output executeResult(Map<String, String> data, int executionCount) {
    JsonObject json = new JsonObject();
    json.addProperty("output_type", EXECUTE_RESULT);
    json.add("data", bundle(data));
    json.add("metadata", new JsonObject());
    json.addProperty("execution_count", executionCount);
    return new Output(json);
  }

  /** An {@code error} output. */
  public static Output error(String ename, String evalue, List<String> traceback) {
    JsonObject json = new JsonObject();
    json.addProperty("output_type", ERROR);
    json.addProperty("ename", Objects.requireNonNull(ename, "ename"));
    json.addProperty("evalue", Objects.requireNonNull(evalue, "evalue"));
    JsonArray lines = new JsonArray();
    traceback.forEach(lines::add);
    json.add("traceback", lines);
    return new Output(json);
  }

  private static JsonObject bundle(Map<String, String> data) {
    JsonObject bundle = new JsonObject();
    data.forEach(bundle::addProperty);
    return bundle;
  }

  /** The {@code output_type}. */
  public String type() {
    return stringOrNull(json.get("output_type"));
  }

  /** The stream name ({@code stdout}/{@code stderr}) of a stream output, else null. */
  public String streamName() {
    return stringOrNull(json.get("name"));
  }

  /** The text of a stream output (lists of lines joined), else null. */
  public String text() {
    return NotebookJson.joinMultiline(json.get("text"));
  }

  /** The mime types present in the data bundle of a result or display output. */
  public Set<String> mimeTypes() {
    JsonElement data = json.get("data");
    return data != null && data.isJsonObject()
        ? new LinkedHashSet<>(data.getAsJsonObject().keySet())
        : Set.of();
  }

  /**
   * The data of one mime type (lists of lines joined; JSON-valued types as JSON text), or null when
   * the output has no such data.
   */
  public String data(String mimeType) {
    JsonElement data = json.get("data");
    if (data == null || !data.isJsonObject() || !data.getAsJsonObject().has(mimeType)) {
      return null;
    }
    JsonElement value = data.getAsJsonObject().get(mimeType);
    return value.isJsonPrimitive() || value.isJsonArray()
        ? NotebookJson.joinMultiline(value)
        : value.toString();
  }

  /** The prompt number of an execute_result, else null. */
  public Integer executionCount() {
    JsonElement count = json.get("execution_count");
    return count == null || count.isJsonNull() ? null : count.getAsInt();
  }

  /** The exception name of an error output, else null. */
  public String ename() {
    return stringOrNull(json.get("ename"));
  }

  /** The message of an error output, else null. */
  public String evalue() {
    return stringOrNull(json.get("evalue"));
  }

  /** The traceback lines of an error output (empty for other outputs). */
  public List<String> traceback() {
    List<String> lines = new ArrayList<>();
    JsonElement traceback = json.get("traceback");
    if (traceback != null && traceback.isJsonArray()) {
      traceback.getAsJsonArray().forEach(line -> lines.add(line.getAsString()));
    }
    return lines;
  }

  /** A copy of the output's JSON object, as stored in the notebook. */
  public JsonObject toJson() {
    return json.deepCopy();
  }

  /** Appends text to a stream output (consecutive writes to one stream share one output). */
  void appendText(String more) {
    json.addProperty("text", text() + more);
  }

  /** Replaces the text of a stream output. */
  void setText(String text) {
    json.addProperty("text", text);
  }

  /** Replaces the data bundle in place, the effect of {@code updateDisplay}. */
  void replaceData(Map<String, String> data) {
    json.add("data", bundle(data));
  }

  private static String stringOrNull(JsonElement element) {
    return element == null || element.isJsonNull() ? null : element.getAsString();
  }

  @Override
  public String toString() {
    return json.toString();
  }
}
