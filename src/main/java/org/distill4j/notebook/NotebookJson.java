package org.distill4j.notebook;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The .ipynb text conventions of Jupyter, so files written here diff cleanly against files saved by
 * Jupyter: keys sorted at every level, one-space indent, multi-line strings as lists of lines,
 * non-ASCII text unescaped, a final newline.
 */
final class NotebookJson {
  private NotebookJson() {}

  /** Serialises with sorted keys and a one-space indent, ending with a newline. */
  static String format(JsonElement root) {
    StringWriter text = new StringWriter();
    try (JsonWriter writer = new JsonWriter(text)) {
      writer.setIndent(" ");
      writer.setHtmlSafe(false);
      writer.setSerializeNulls(true);
      writeSorted(writer, root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text + "\n";
  }

  private static void writeSorted(JsonWriter writer, JsonElement element) throws IOException {
    if (element == null || element.isJsonNull()) {
      writer.nullValue();
    } else if (element.isJsonObject()) {
      JsonObject object = element.getAsJsonObject();
      writer.beginObject();
      for (String key : new TreeSet<>(object.keySet())) {
        writer.name(key);
        writeSorted(writer, object.get(key));
      }
      writer.endObject();
    } else if (element.isJsonArray()) {
      writer.beginArray();
      for (JsonElement item : element.getAsJsonArray()) {
        writeSorted(writer, item);
      }
      writer.endArray();
    } else {
      JsonPrimitive primitive = element.getAsJsonPrimitive();
      if (primitive.isBoolean()) {
        writer.value(primitive.getAsBoolean());
      } else if (primitive.isNumber()) {
        writer.value(primitive.getAsNumber());
      } else {
        writer.value(primitive.getAsString());
      }
    }
  }

  /** A multi-line string value (a string or a list of line strings) as one string. */
  static String joinMultiline(JsonElement value) {
    if (value == null || value.isJsonNull()) {
      return null;
    }
    if (value.isJsonArray()) {
      StringBuilder text = new StringBuilder();
      value.getAsJsonArray().forEach(line -> text.append(line.getAsString()));
      return text.toString();
    }
    return value.getAsString();
  }

  /** Text as the list of its lines, each keeping its line break; an empty text gives []. */
  static JsonArray splitLines(String text) {
    JsonArray lines = new JsonArray();
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      end = end < 0 ? text.length() : end + 1;
      lines.add(text.substring(start, end));
      start = end;
    }
    return lines;
  }

  /** True for mime types whose value is JSON rather than text ({@code application/json}...). */
  static boolean isJsonMime(String mimeType) {
    return mimeType.equals("application/json")
        || (mimeType.startsWith("application/") && mimeType.endsWith("+json"));
  }

  /** Whether Jupyter stores this mime type's text as a list of lines (text, not base64). */
  private static boolean isLineSplit(String mimeType) {
    return mimeType.startsWith("text/")
        || mimeType.equals("application/javascript")
        || mimeType.equals("image/svg+xml");
  }

  /** The JSON of one output with Jupyter's line splitting applied. */
  static JsonObject outputToJson(Output output) {
    JsonObject json = output.toJson();
    if (json.has("text")) {
      json.add("text", splitLines(joinMultiline(json.get("text"))));
    }
    if (json.has("data") && json.get("data").isJsonObject()) {
      JsonObject data = json.getAsJsonObject("data");
      for (String mime : new ArrayList<>(data.keySet())) {
        if (isJsonMime(mime)) {
          continue;
        }
        String value = joinMultiline(data.get(mime));
        data.add(mime, isLineSplit(mime) ? splitLines(value) : new JsonPrimitive(value));
      }
    }
    return json;
  }

  /** The JSON of one cell. */
  static JsonObject cellToJson(Cell cell) {
    JsonObject json = cell.otherKeys().deepCopy();
    json.addProperty("cell_type", cell.type().jsonName());
    json.add("metadata", cell.metadata().deepCopy());
    json.add("source", splitLines(cell.source()));
    if (cell.isCode()) {
      JsonArray outputs = new JsonArray();
      cell.outputs().forEach(output -> outputs.add(outputToJson(output)));
      json.add("outputs", outputs);
      Integer count = cell.executionCount();
      json.add("execution_count", count == null ? null : new JsonPrimitive(count));
    }
    return json;
  }

  /** A cell read from its (already validated) JSON. */
  static Cell cellFromJson(JsonObject json) {
    CellType type = CellType.fromJsonName(json.get("cell_type").getAsString());
    JsonObject otherKeys = json.deepCopy();
    for (String key : List.of("cell_type", "metadata", "source", "outputs", "execution_count")) {
      otherKeys.remove(key);
    }
    Cell cell =
        new Cell(
            type,
            joinMultiline(json.get("source")),
            json.getAsJsonObject("metadata").deepCopy(),
            otherKeys);
    if (type == CellType.CODE) {
      JsonElement count = json.get("execution_count");
      cell.setExecutionCount(count.isJsonNull() ? null : count.getAsInt());
      json.getAsJsonArray("outputs")
          .forEach(output -> cell.outputs().add(Output.fromJson(output.getAsJsonObject())));
    }
    return cell;
  }
}
