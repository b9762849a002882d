package org.distill4j.notebook;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Structural check of a notebook against the required keys and value types of the nbformat 4 schema
 * (not a full JSON-schema validation): notebook, cells, outputs and the kernel metadata. Problems
 * are reported with a JSON path such as {@code cells[3].outputs[0]: missing key 'text'}.
 */
final class NotebookValidator {
  private static final Pattern CELL_ID = Pattern.compile("[a-zA-Z0-9-_]{1,64}");
  private static final Set<String> TEXT_CELL_KEYS = Set.of("id", "cell_type", "metadata", "source");
  private static final Set<String> CODE_CELL_KEYS =
      Set.of("id", "cell_type", "metadata", "source", "outputs", "execution_count");

  private final List<String> problems = new ArrayList<>();

  private NotebookValidator() {}

  /** Every structural problem found; empty when the notebook is valid. */
  static List<String> problems(JsonObject notebook) {
    NotebookValidator validator = new NotebookValidator();
    validator.checkNotebook(notebook);
    return validator.problems;
  }

  private void checkNotebook(JsonObject nb) {
    if (require(nb, "nbformat", "") && !isInt(nb.get("nbformat"), 4, 4)) {
      problems.add("nbformat: must be 4, found " + nb.get("nbformat"));
    }
    int minor = -1;
    if (require(nb, "nbformat_minor", "")) {
      if (isInt(nb.get("nbformat_minor"), 0, Integer.MAX_VALUE)) {
        minor = nb.get("nbformat_minor").getAsInt();
      } else {
        problems.add("nbformat_minor: must be a non-negative integer");
      }
    }
    if (require(nb, "metadata", "") && checkObject(nb.get("metadata"), "metadata")) {
      checkNotebookMetadata(nb.getAsJsonObject("metadata"));
    }
    if (require(nb, "cells", "")) {
      if (!nb.get("cells").isJsonArray()) {
        problems.add("cells: must be a list");
        return;
      }
      Set<String> ids = new HashSet<>();
      int index = 0;
      for (JsonElement cell : nb.getAsJsonArray("cells")) {
        checkCell(cell, "cells[" + index++ + "]", minor, ids);
      }
    }
  }

  private void checkNotebookMetadata(JsonObject metadata) {
    if (metadata.has("kernelspec")
        && checkObject(metadata.get("kernelspec"), "metadata.kernelspec")) {
      JsonObject spec = metadata.getAsJsonObject("kernelspec");
      checkString(spec, "name", "metadata.kernelspec");
      checkString(spec, "display_name", "metadata.kernelspec");
    }
    if (metadata.has("language_info")
        && checkObject(metadata.get("language_info"), "metadata.language_info")) {
      checkString(metadata.getAsJsonObject("language_info"), "name", "metadata.language_info");
    }
  }

  private void checkCell(JsonElement element, String path, int minor, Set<String> ids) {
    if (!checkObject(element, path)) {
      return;
    }
    JsonObject cell = element.getAsJsonObject();
    if (!checkString(cell, "cell_type", path)) {
      return;
    }
    CellType type = CellType.fromJsonName(cell.get("cell_type").getAsString());
    if (type == null) {
      problems.add(
          path + ".cell_type: must be code, markdown or raw, found " + cell.get("cell_type"));
      return;
    }
    if (require(cell, "metadata", path)) {
      checkObject(cell.get("metadata"), path + ".metadata");
    }
    if (require(cell, "source", path)) {
      checkMultiline(cell.get("source"), path + ".source");
    }
    checkCellId(cell, path, minor, ids);
    Set<String> allowed = type == CellType.CODE ? CODE_CELL_KEYS : TEXT_CELL_KEYS;
    for (String key : cell.keySet()) {
      if (!allowed.contains(key) && !(type != CellType.CODE && key.equals("attachments"))) {
        problems.add(path + ": key '" + key + "' is not allowed in a " + type.jsonName() + " cell");
      }
    }
    if (type == CellType.CODE) {
      checkCodeCell(cell, path);
    }
  }

  private void checkCellId(JsonObject cell, String path, int minor, Set<String> ids) {
    if (!cell.has("id")) {
      if (minor >= 5) {
        problems.add(path + ": missing key 'id' (required from nbformat 4.5)");
      }
      return;
    }
    JsonElement id = cell.get("id");
    if (!isString(id) || !CELL_ID.matcher(id.getAsString()).matches()) {
      problems.add(path + ".id: must be 1-64 characters of a-z A-Z 0-9 - _, found " + id);
    } else if (!ids.add(id.getAsString())) {
      problems.add(path + ".id: duplicate cell id " + id);
    }
  }

  private void checkCodeCell(JsonObject cell, String path) {
    if (require(cell, "execution_count", path)) {
      checkCount(cell.get("execution_count"), path + ".execution_count");
    }
    if (require(cell, "outputs", path)) {
      if (!cell.get("outputs").isJsonArray()) {
        problems.add(path + ".outputs: must be a list");
        return;
      }
      int index = 0;
      for (JsonElement output : cell.getAsJsonArray("outputs")) {
        checkOutput(output, path + ".outputs[" + index++ + "]");
      }
    }
  }

  private void checkOutput(JsonElement element, String path) {
    if (!checkObject(element, path)
        || !checkString(element.getAsJsonObject(), "output_type", path)) {
      return;
    }
    JsonObject output = element.getAsJsonObject();
    String type = output.get("output_type").getAsString();
    switch (type) {
      case Output.STREAM -> {
        checkString(output, "name", path);
        if (require(output, "text", path)) {
          checkMultiline(output.get("text"), path + ".text");
        }
      }
      case Output.DISPLAY_DATA -> checkBundle(output, path);
      case Output.EXECUTE_RESULT -> {
        checkBundle(output, path);
        if (require(output, "execution_count", path)) {
          checkCount(output.get("execution_count"), path + ".execution_count");
        }
      }
      case Output.ERROR -> {
        checkString(output, "ename", path);
        checkString(output, "evalue", path);
        if (require(output, "traceback", path)) {
          checkStringList(output.get("traceback"), path + ".traceback");
        }
      }
      default ->
          problems.add(
              path
                  + ".output_type: must be stream, display_data, execute_result or error, found '"
                  + type
                  + "'");
    }
  }

  private void checkBundle(JsonObject output, String path) {
    if (require(output, "metadata", path)) {
      checkObject(output.get("metadata"), path + ".metadata");
    }
    if (require(output, "data", path) && checkObject(output.get("data"), path + ".data")) {
      for (var entry : output.getAsJsonObject("data").entrySet()) {
        if (!NotebookJson.isJsonMime(entry.getKey())) {
          checkMultiline(entry.getValue(), path + ".data['" + entry.getKey() + "']");
        }
      }
    }
  }

  private boolean require(JsonObject object, String key, String path) {
    if (object.has(key)) {
      return true;
    }
    problems.add((path.isEmpty() ? "notebook" : path) + ": missing key '" + key + "'");
    return false;
  }

  private boolean checkObject(JsonElement element, String path) {
    if (element != null && element.isJsonObject()) {
      return true;
    }
    problems.add(path + ": must be an object");
    return false;
  }

  private boolean checkString(JsonObject object, String key, String path) {
    if (!require(object, key, path)) {
      return false;
    }
    if (isString(object.get(key))) {
      return true;
    }
    problems.add(path + "." + key + ": must be a string");
    return false;
  }

  private void checkMultiline(JsonElement element, String path) {
    if (!isString(element)) {
      checkStringList(element, path);
    }
  }

  private void checkStringList(JsonElement element, String path) {
    boolean ok = element.isJsonArray();
    if (ok) {
      for (JsonElement line : element.getAsJsonArray()) {
        ok &= isString(line);
      }
    }
    if (!ok) {
      problems.add(path + ": must be a string or a list of strings");
    }
  }

  private void checkCount(JsonElement count, String path) {
    if (!count.isJsonNull() && !isInt(count, 0, Integer.MAX_VALUE)) {
      problems.add(path + ": must be null or a non-negative integer");
    }
  }

  private static boolean isString(JsonElement element) {
    return element != null && element.isJsonPrimitive() && element.getAsJsonPrimitive().isString();
  }

  private static boolean isInt(JsonElement element, int min, int max) {
    if (element == null || !element.isJsonPrimitive() || !element.getAsJsonPrimitive().isNumber()) {
      return false;
    }
    double value = element.getAsDouble();
    return value == Math.rint(value) && value >= min && value <= max;
  }
}
