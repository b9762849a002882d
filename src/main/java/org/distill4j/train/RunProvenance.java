package org.distill4j.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ErrorWords;
import org.distill4j.errors.Distill4jException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What a run's result depends on, stored as {@code provenance.json} in every checkpoint directory
 * (as Tribuo stores a model's provenance): the seed, the loop settings that change the numbers
 * ({@code iters}, {@code batch_size}, the devices), a SHA-256 of the resolved config (the config
 * itself is {@code config.yml} beside it), the engine and its versions, the code version, and notes
 * from the caller such as the command and its config files. A resumed run takes its settings from
 * here, and a setting that contradicts it is an error (see {@link #checkResume}).
 */
public final class RunProvenance {
  public static final String FILE_NAME = "provenance.json";

  /**
   * Resource written at build time with the project version and, when git was there, the commit.
   */
  static final String BUILD_RESOURCE = "/org/distill4j/build.properties";

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  private final JsonObject json;

  private RunProvenance(JsonObject json) {
    this.json = json;
  }

  /**
   * The provenance of a run about to train.
   *
   * @param notes what the caller knows and the loop does not (the command, the config files, the
   *     flags given); stored as strings under {@code run}
   */
  public static RunProvenance of(
      TrainingOptions options, Device[] devices, String configYaml, Map<String, String> notes) {
    JsonObject j = new JsonObject();
    j.addProperty("format", 1);
    j.addProperty("seed", options.seed());
    j.addProperty("iters", options.iters());
    j.addProperty("batch_size", options.batchSize());
    j.addProperty("devices", describe(devices));
    j.addProperty("num_workers", options.numWorkers());
    j.addProperty("skip_nonfinite", options.skipNonFinite());
    j.addProperty("amp", options.amp().configName());
    j.addProperty("config_sha256", configYaml == null ? "" : sha256(configYaml));
    JsonObject run = new JsonObject();
    notes.forEach(run::addProperty);
    j.add("run", run);
    j.add("code", codeVersion());
    j.add("engine", engine());
    return new RunProvenance(j);
  }

  /** The provenance stored in a checkpoint directory, or empty when it has none (older runs). */
  public static Optional<RunProvenance> read(Path checkpointDir) {
    Path file = checkpointDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (!e.isJsonObject() || !e.getAsJsonObject().has("seed")) {
        throw new ConfigException(file + ": not a distill4j provenance file (no seed)");
      }
      return Optional.of(new RunProvenance(e.getAsJsonObject()));
    } catch (IOException | RuntimeException e) {
      if (e instanceof Distill4jException c) {
        throw c;
      }
      throw new ConfigException(file + ": cannot be read (" + ErrorWords.describe(e) + ")", e);
    }
  }

  /** Writes the file into a checkpoint directory, with the iteration and the time of writing. */
  void write(Path dir, int iteration) throws IOException {
    JsonObject j = json.deepCopy();
    j.addProperty("iteration", iteration);
    j.addProperty("created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    Files.writeString(dir.resolve(FILE_NAME), GSON.toJson(j) + "\n", StandardCharsets.UTF_8);
  }

  public long seed() {
    return json.get("seed").getAsLong();
  }

  public int iters() {
    return json.get("iters").getAsInt();
  }

  public int batchSize() {
    return json.get("batch_size").getAsInt();
  }

  /**
   * The run's mixed precision ({@code none}, {@code bf16}), or null for a file written before it
   * was recorded.
   */
  public String amp() {
    return json.has("amp") ? json.get("amp").getAsString() : null;
  }

  public String devices() {
    return string(json, "devices");
  }

  public String configSha256() {
    return string(json, "config_sha256");
  }

  /** A note of the {@code run} section ({@code command}, {@code config_files}, ...), or empty. */
  public Optional<String> note(String key) {
    JsonObject run = json.has("run") ? json.getAsJsonObject("run") : new JsonObject();
    return run.has(key) ? Optional.of(run.get(key).getAsString()) : Optional.empty();
  }

  /**
   * Before a resume from {@code dir}: checks {@code now} and the config against the checkpoint's
   * provenance, or, for a checkpoint written before provenance was stored, warns on stderr what is
   * assumed.
   */
  static void checkBeforeResume(RunProvenance now, String configYaml, Path dir) {
    if (Files.isRegularFile(dir.resolve(FILE_NAME))) {
      // A damaged file is reported as such, not read as a contradiction.
      org.distill4j.models.Checksums.verifyFile(dir.resolve(FILE_NAME));
    }
    Optional<RunProvenance> stored = Files.isDirectory(dir) ? read(dir) : Optional.empty();
    if (stored.isPresent()) {
      stored.get().checkResume(now, dir);
      stored.get().checkConfig(configYaml, dir);
    } else if (Files.isDirectory(dir)) {
      System.err.println(legacyWarning(now, dir));
    }
  }

  /** The warning for a checkpoint without provenance: what the resumed run assumes. */
  static String legacyWarning(RunProvenance now, Path dir) {
    return "warning: "
        + dir
        + " has no "
        + FILE_NAME
        + " (written by an older distill4j); assuming the run that wrote it used seed "
        + now.seed()
        + ", iters "
        + now.iters()
        + ", batch_size "
        + now.batchSize()
        + " and the config given now: if it did not, pass its --seed and flags, or the resumed"
        + " run will differ from it";
  }

  /**
   * Checks that a run resuming from {@code dir} reproduces the run that wrote it.
   *
   * @throws ConfigException naming the setting, its value now and the checkpoint's
   */
  public void checkResume(RunProvenance now, Path dir) {
    Path file = dir.resolve(FILE_NAME);
    same("--seed", now.seed(), seed(), file);
    same("iters (--iters or the config)", now.iters(), iters(), file);
    same("batch_size (--batch_size or the config)", now.batchSize(), batchSize(), file);
    int nowCount = now.devices().split(",").length;
    int thenCount = devices().split(",").length;
    if (nowCount != thenCount) {
      throw new ConfigException(
          "--devices "
              + now.devices()
              + " contradicts the checkpoint's devices "
              + devices()
              + " ("
              + file
              + "): data-parallel training with another number of devices gives other results;"
              + " resume with "
              + thenCount
              + " device(s)");
    }
  }

  /**
   * Checks that the resolved config now is the one stored beside the checkpoint ({@code
   * config.yml}); a difference is an error naming the first key that differs.
   */
  public void checkConfig(String nowYaml, Path dir) {
    if (nowYaml == null || configSha256().isEmpty() || sha256(nowYaml).equals(configSha256())) {
      return;
    }
    Path stored = dir.resolve(Checkpoints.CONFIG_FILE);
    String where = "";
    try {
      // Plain maps, lists and scalars only: a checkpoint may come from anywhere.
      Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
      Object then = yaml.load(Files.readString(stored, StandardCharsets.UTF_8));
      where = ConfigDiff.first("", yaml.load(nowYaml), then);
    } catch (IOException | RuntimeException e) {
      // Without the stored config the message still says that the configs differ.
    }
    throw new ConfigException(
        "the config now resolves differently from the checkpoint's "
            + stored
            + (where.isEmpty() ? "" : " (" + where + ")")
            + "; resume with the same config file and --iters/--batch_size/--learning_rate, or"
            + " start a new run without --resume_model");
  }

  private static void same(String what, Object now, Object then, Path file) {
    if (!now.equals(then)) {
      throw new ConfigException(contradiction(what, now, then, file));
    }
  }

  /**
   * The message for a setting that contradicts a checkpoint's provenance {@code file}, for example
   * {@code --seed 3 contradicts the checkpoint's seed 7 (out/iter_4/provenance.json); ...}.
   */
  public static String contradiction(String what, Object now, Object then, Path file) {
    return what
        + " "
        + now
        + " contradicts the checkpoint's "
        + what.split(" ")[0].replace("--", "")
        + " "
        + then
        + " ("
        + file
        + "); leave it out to resume with the checkpoint's value, or start a new run without"
        + " --resume_model";
  }

  /** A short block for a console: seed, iteration, config, code version and date. */
  public String summary() {
    String config = note("config").orElse("?") + " (resolved: config.yml beside the weights)";
    return String.format(
        "[PROVENANCE] iteration %s of %s, seed %s, batch_size %s, devices %s%n"
            + "[PROVENANCE] config %s%n"
            + "[PROVENANCE] distill4j %s, %s, written %s",
        string(json, "iteration"),
        string(json, "iters"),
        string(json, "seed"),
        string(json, "batch_size"),
        devices(),
        config,
        codeLine(json.getAsJsonObject("code")),
        engineLine(json.getAsJsonObject("engine")),
        string(json, "created"));
  }

  private static String codeLine(JsonObject code) {
    if (code == null) {
      return "(unknown version)";
    }
    String commit = string(code, "commit");
    return string(code, "version") + (commit.equals("unknown") ? "" : " (" + commit + ")");
  }

  private static String engineLine(JsonObject engine) {
    return engine == null
        ? "engine unknown"
        : string(engine, "name")
            + " "
            + string(engine, "version")
            + " on DJL "
            + string(engine, "djl");
  }

  private static String string(JsonObject o, String key) {
    return o != null && o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : "?";
  }

  static String describe(Device[] devices) {
    return devices == null
        ? "?"
        : Arrays.stream(devices).map(Device::toString).collect(Collectors.joining(","));
  }

  /** The project version and git commit the build recorded; "unknown" where it could not. */
  static JsonObject codeVersion() {
    Properties p = new Properties();
    try (InputStream in = RunProvenance.class.getResourceAsStream(BUILD_RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // Unreadable build information is recorded as unknown; it must never stop a run.
    }
    JsonObject code = new JsonObject();
    code.addProperty("version", value(p, "version"));
    code.addProperty("commit", value(p, "commit"));
    return code;
  }

  private static String value(Properties p, String key) {
    String v = p.getProperty(key, "").strip();
    // An unfiltered placeholder (a build that skipped the step) is as good as unknown.
    return v.isEmpty() || v.contains("${") ? "unknown" : v;
  }

  private static JsonObject engine() {
    JsonObject e = new JsonObject();
    Map<String, String> values = new LinkedHashMap<>();
    try {
      Engine engine = Engine.getInstance();
      values.put("name", engine.getEngineName());
      values.put("version", engine.getVersion());
    } catch (RuntimeException ex) {
      values.put("name", "unknown");
    }
    values.put("djl", Engine.getDjlVersion());
    values.put("java", System.getProperty("java.version"));
    values.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    values.forEach(e::addProperty);
    return e;
  }

  static String sha256(String text) {
    return org.distill4j.io.Sha256.ofText(text);
  }
}
