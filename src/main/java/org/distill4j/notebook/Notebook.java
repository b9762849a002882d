package org.distill4j.notebook;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.distill4j.config.ConfigException;

/**
 * A Jupyter notebook in nbformat 4: cells with their sources, outputs and metadata. Reading keeps
 * everything it does not model (metadata, cell ids, attachments, outputs of other kernels) so a
 * read/write round trip changes nothing but formatting; writing follows Jupyter's conventions
 * (sorted keys, one-space indent, sources as lists of lines) so diffs stay small, and checks the
 * structure against nbformat 4's required keys first.
 */
public final class Notebook {
  /** The nbformat minor version of notebooks created here (4.5 introduced cell ids). */
  public static final int NBFORMAT_MINOR = 5;

  private final int nbformatMinor;
  private final JsonObject metadata;
  private final List<Cell> cells = new ArrayList<>();
  private final String origin;

  private Notebook(int nbformatMinor, JsonObject metadata, String origin) {
    this.nbformatMinor = nbformatMinor;
    this.metadata = metadata;
    this.origin = origin;
  }

  /** An empty nbformat 4.5 notebook for the Java (IJava) kernel. */
  public static Notebook create() {
    Notebook notebook = new Notebook(NBFORMAT_MINOR, new JsonObject(), "<new notebook>");
    notebook.ensureJavaKernelMetadata();
    return notebook;
  }

  /**
   * Reads an .ipynb file.
   *
   * @throws ConfigException when the file does not exist, is not JSON or is not an nbformat 4
   *     notebook (the message names the file and the first problems)
   * @throws IOException when the file cannot be read
   */
  public static Notebook read(Path file) throws IOException {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such notebook file");
    }
  }

  /** Parses notebook JSON; {@code origin} (a file name) prefixes error messages. */
  public static Notebook parse(String json, String origin) {
    JsonObject root = parseObject(json, origin);
    int minor = root.has("nbformat_minor") ? root.get("nbformat_minor").getAsInt() : -1;
    if (minor >= 5 && root.has("cells") && root.get("cells").isJsonArray()) {
      addMissingCellIds(root.getAsJsonArray("cells"));
    }
    List<String> problems = NotebookValidator.problems(root);
    if (!problems.isEmpty()) {
      throw new ConfigException(
          origin + ": not an nbformat 4 notebook: " + String.join("; ", firstOf(problems)));
    }
    Notebook notebook =
        new Notebook(
            root.get("nbformat_minor").getAsInt(), root.getAsJsonObject("metadata"), origin);
    for (JsonElement cell : root.getAsJsonArray("cells")) {
      notebook.cells.add(NotebookJson.cellFromJson(cell.getAsJsonObject()));
    }
    return notebook;
  }

  private static JsonObject parseObject(String json, String origin) {
    try {
      JsonElement root = JsonParser.parseString(json);
      if (!root.isJsonObject()) {
        throw new ConfigException(origin + ": not a notebook: the JSON is not an object");
      }
      return root.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new ConfigException(origin + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  private static List<String> firstOf(List<String> problems) {
    return problems.size() <= 5 ? problems : problems.subList(0, 5);
  }

  /**
   * The structural problems of an .ipynb file (required keys and value types of nbformat 4); an
   * empty list means the file is valid. Unreadable or non-JSON files give one problem.
   */
  public static List<String> validate(Path file) {
    try {
      return NotebookValidator.problems(
          parseObject(Files.readString(file, StandardCharsets.UTF_8), file.toString()));
    } catch (IOException | ConfigException e) {
      return List.of(file + ": " + e.getMessage());
    }
  }

  /** True when {@link #validate(Path)} finds no problem. */
  public static boolean isValid(Path file) {
    return validate(file).isEmpty();
  }

  /** The cells, in order (read-only list; the cells themselves are mutable). */
  public List<Cell> cells() {
    return Collections.unmodifiableList(cells);
  }

  /** The code cells, in order. */
  public List<Cell> codeCells() {
    return cells.stream().filter(Cell::isCode).toList();
  }

  /** Appends a code cell. */
  public Cell addCode(String source) {
    return add(CellType.CODE, source);
  }

  /** Appends a markdown cell. */
  public Cell addMarkdown(String source) {
    return add(CellType.MARKDOWN, source);
  }

  /** Appends a raw cell. */
  public Cell addRaw(String source) {
    return add(CellType.RAW, source);
  }

  private Cell add(CellType type, String source) {
    JsonObject otherKeys = new JsonObject();
    if (nbformatMinor >= 5) {
      Set<String> ids = new HashSet<>();
      cells.forEach(cell -> ids.add(cell.id()));
      otherKeys.addProperty("id", newCellId(ids));
    }
    Cell cell = new Cell(type, source, new JsonObject(), otherKeys);
    cells.add(cell);
    return cell;
  }

  private static void addMissingCellIds(JsonArray cells) {
    Set<String> ids = new HashSet<>();
    cells.forEach(
        cell -> {
          if (cell.isJsonObject() && cell.getAsJsonObject().has("id")) {
            ids.add(cell.getAsJsonObject().get("id").getAsString());
          }
        });
    for (JsonElement cell : cells) {
      if (cell.isJsonObject() && !cell.getAsJsonObject().has("id")) {
        String id = newCellId(ids);
        ids.add(id);
        cell.getAsJsonObject().addProperty("id", id);
      }
    }
  }

  /** A fresh id in Jupyter's style: 8 random hex digits. */
  private static String newCellId(Set<String> taken) {
    String id;
    do {
      id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    } while (taken.contains(id));
    return id;
  }

  /** The notebook metadata, live. */
  public JsonObject metadata() {
    return metadata;
  }

  /** The nbformat minor version (the major version is always 4). */
  public int nbformatMinor() {
    return nbformatMinor;
  }

  /** The file the notebook was read from, or a placeholder for notebooks built in code. */
  public String origin() {
    return origin;
  }

  /**
   * Adds the IJava kernelspec ({@code java}/{@code Java}/{@code java}) and a {@code java}
   * language_info when the metadata has none, so Jupyter offers the Java kernel for the file.
   */
  public void ensureJavaKernelMetadata() {
    if (!metadata.has("kernelspec")) {
      JsonObject spec = new JsonObject();
      spec.addProperty("name", "java");
      spec.addProperty("display_name", "Java");
      spec.addProperty("language", "java");
      metadata.add("kernelspec", spec);
    }
    if (!metadata.has("language_info")) {
      JsonObject info = new JsonObject();
      info.addProperty("name", "java");
      info.addProperty("codemirror_mode", "java");
      info.addProperty("file_extension", ".jshell");
      info.addProperty("mimetype", "text/x-java-source");
      info.addProperty("pygments_lexer", "java");
      metadata.add("language_info", info);
    }
  }

  /** The notebook as a JSON object (Jupyter's line splitting applied). */
  public JsonObject toJsonObject() {
    JsonObject root = new JsonObject();
    root.addProperty("nbformat", 4);
    root.addProperty("nbformat_minor", nbformatMinor);
    root.add("metadata", metadata.deepCopy());
    JsonArray cellArray = new JsonArray();
    cells.forEach(cell -> cellArray.add(NotebookJson.cellToJson(cell)));
    root.add("cells", cellArray);
    return root;
  }

  /**
   * The .ipynb text, after adding the Java kernel metadata when missing.
   *
   * @throws IllegalStateException when the structure would not be a valid nbformat 4 notebook
   */
  public String toJson() {
    ensureJavaKernelMetadata();
    JsonObject root = toJsonObject();
    List<String> problems = NotebookValidator.problems(root);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          origin + ": refusing to write an invalid notebook: " + String.join("; ", problems));
    }
    return NotebookJson.format(root);
  }

  /** Writes the .ipynb text (see {@link #toJson()}), creating parent directories. */
  public void write(Path file) throws IOException {
    String json = toJson();
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, json, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Notebook(" + origin + ", " + cells.size() + " cells)";
  }
}
