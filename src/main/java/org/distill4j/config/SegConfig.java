package org.distill4j.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The trainer's typed view of a PaddleSeg-format config. Accessors check what they return and
 * report problems as {@code file: key.path: what is wrong}; {@link #validate()} checks everything a
 * training run needs before it starts.
 */
public final class SegConfig {
  /**
   * The top-level keys PaddleSeg understands, plus distill4j's {@code distill} section, {@code
   * devices} (which devices train; see {@code org.distill4j.train.Devices}), {@code amp} (mixed
   * precision, see {@link Amp}) and {@code teacher_amp} (a distillation's teacher, {@link
   * Amp#TEACHER_KEY}).
   */
  public static final Set<String> KNOWN_TOP_LEVEL_KEYS =
      Collections.unmodifiableSet(
          new LinkedHashSet<>(
              List.of(
                  "batch_size",
                  "iters",
                  "train_dataset",
                  "val_dataset",
                  "test_dataset",
                  "optimizer",
                  "lr_scheduler",
                  "learning_rate",
                  "loss",
                  "distill_loss",
                  "distill",
                  "model",
                  "test_config",
                  "export",
                  "devices",
                  Amp.KEY,
                  Amp.TEACHER_KEY)));

  /** Class counts fixed by a dataset type, used when the dataset section has no num_classes. */
  private static final Map<String, Integer> DATASET_CLASSES =
      Map.of("OpticDiscSeg", 2, "Cityscapes", 19, "PascalVOC", 21, "ADE20K", 150);

  private static final String POLY = "PolynomialDecay";

  private final ConfigMap root;

  public SegConfig(ConfigMap root) {
    this.root = root;
  }

  public ConfigMap root() {
    return root;
  }

  /** Checks every value a training run needs, so bad input fails before any work starts. */
  public SegConfig validate() {
    iters();
    batchSize();
    model();
    trainDataset();
    optimizer();
    lrScheduler();
    loss();
    numClasses();
    amp();
    teacherAmp();
    return this;
  }

  /** The {@code amp} key: {@link Amp#NONE} when absent. */
  public Amp amp() {
    String where = root.file() + ": " + root.childPath(Amp.KEY);
    return Amp.parse(root.get(Amp.KEY), where);
  }

  /**
   * The {@code teacher_amp} key (a distillation's frozen teacher): {@link Amp#NONE} when absent.
   */
  public Amp teacherAmp() {
    String where = root.file() + ": " + root.childPath(Amp.TEACHER_KEY);
    return Amp.parse(root.get(Amp.TEACHER_KEY), where);
  }

  public int iters() {
    return root.getPositiveInt("iters");
  }

  /**
   * Samples per step on each device (with several devices a step trains on {@code batch_size x
   * devices}); 1 when the config does not say, as in PaddleSeg.
   */
  public int batchSize() {
    return root.has("batch_size") ? root.getPositiveInt("batch_size") : 1;
  }

  public ConfigMap model() {
    return root.getMap("model");
  }

  public ConfigMap trainDataset() {
    return root.getMap("train_dataset");
  }

  public Optional<ConfigMap> valDataset() {
    return root.optMap("val_dataset");
  }

  public ConfigMap optimizer() {
    return root.getMap("optimizer");
  }

  /**
   * The learning-rate schedule. A {@code PolynomialDecay} gets PaddleSeg's defaults filled in
   * ({@code decay_steps: iters}, {@code end_lr: 0}, {@code power: 0.9}). The older form {@code
   * learning_rate: {value, decay: {type: poly, power, end_lr}}} is converted into the equivalent
   * PolynomialDecay map.
   */
  public ConfigMap lrScheduler() {
    if (root.has("lr_scheduler")) {
      ConfigMap scheduler = root.getMap("lr_scheduler");
      if (!POLY.equals(scheduler.type())) {
        return scheduler;
      }
      Map<String, Object> filled = new LinkedHashMap<>(scheduler.raw());
      putIfMissing(filled, "decay_steps", iters());
      putIfMissing(filled, "end_lr", 0);
      putIfMissing(filled, "power", 0.9);
      return new ConfigMap(filled, scheduler.path(), scheduler.file());
    }
    if (root.has("learning_rate")) {
      return legacyLearningRate();
    }
    throw root.error(
        "lr_scheduler",
        "missing; expected e.g. {type: PolynomialDecay, learning_rate: 0.01, end_lr: 0, power: 0.9}");
  }

  private ConfigMap legacyLearningRate() {
    if (!(root.get("learning_rate") instanceof Map)) {
      throw root.error(
          "learning_rate",
          "a bare number (constant rate) is not supported; write lr_scheduler: {type:"
              + " PolynomialDecay, learning_rate: "
              + root.get("learning_rate")
              + "}");
    }
    ConfigMap legacy = root.getMap("learning_rate");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", POLY);
    out.put("learning_rate", legacy.getDouble("value"));
    Optional<ConfigMap> decay = legacy.optMap("decay");
    if (decay.isEmpty()) {
      out.put("decay_steps", iters());
      out.put("end_lr", 0);
      out.put("power", 0.9);
    } else {
      String type = decay.get().getString("type");
      if (!"poly".equals(type)) {
        throw decay
            .get()
            .error("type", "'" + type + "' cannot be converted; only 'poly' (use lr_scheduler)");
      }
      decay.get().raw().forEach((k, v) -> out.put(k, v));
      out.put("type", POLY);
      putIfMissing(out, "decay_steps", iters());
      putIfMissing(out, "end_lr", 0);
      // PaddleSeg passes a given decay mapping straight to Paddle, whose default power is 1.0.
      putIfMissing(out, "power", 1.0);
    }
    return new ConfigMap(out, legacy.path(), legacy.file());
  }

  public ConfigMap loss() {
    return root.getMap("loss");
  }

  public Optional<ConfigMap> distillLoss() {
    return root.optMap("distill_loss");
  }

  public Optional<ConfigMap> distill() {
    return root.optMap("distill");
  }

  /** Evaluation options ({@code aug_eval}, {@code is_slide}, ...); empty when absent. */
  public ConfigMap testConfig() {
    return root.optMap("test_config")
        .orElseGet(() -> new ConfigMap(Map.of(), root.childPath("test_config"), root.file()));
  }

  /**
   * The number of classes: {@code model.num_classes}, else the train (or val) dataset's. Datasets
   * give theirs by a {@code num_classes} key or by a type with a fixed count (OpticDiscSeg: 2). All
   * that are given must agree.
   */
  public int numClasses() {
    List<ClassCount> counts = new ArrayList<>();
    Optional<ConfigMap> model = root.optMap("model");
    if (model.isPresent() && model.get().has("num_classes")) {
      int n = model.get().getPositiveInt("num_classes");
      counts.add(new ClassCount(model.get().childPath("num_classes"), n, ""));
    }
    datasetClasses("train_dataset").ifPresent(counts::add);
    datasetClasses("val_dataset").ifPresent(counts::add);
    if (counts.isEmpty()) {
      throw root.error(
          "model.num_classes",
          "missing, and no dataset section gives num_classes or has a type with a known count "
              + DATASET_CLASSES.keySet());
    }
    ClassCount first = counts.get(0);
    for (ClassCount other : counts.subList(1, counts.size())) {
      if (other.value() != first.value()) {
        throw new ConfigException(
            root.file() + ": " + first + " but " + other + "; the number of classes must agree");
      }
    }
    return first.value();
  }

  private Optional<ClassCount> datasetClasses(String section) {
    Optional<ConfigMap> dataset = root.optMap(section);
    if (dataset.isEmpty()) {
      return Optional.empty();
    }
    ConfigMap d = dataset.get();
    if (d.has("num_classes")) {
      return Optional.of(
          new ClassCount(d.childPath("num_classes"), d.getPositiveInt("num_classes"), ""));
    }
    Integer implied = d.has("type") ? DATASET_CLASSES.get(d.getString("type")) : null;
    return implied == null
        ? Optional.empty()
        : Optional.of(
            new ClassCount(
                d.childPath("num_classes"),
                implied,
                " (implied by " + d.childPath("type") + " " + d.getString("type") + ")"));
  }

  /** A class count and the key path it came from. */
  private record ClassCount(String keyPath, int value, String note) {
    @Override
    public String toString() {
      return keyPath + " is " + value + note;
    }
  }

  /** Top-level keys outside {@link #KNOWN_TOP_LEVEL_KEYS}, in file order. */
  public List<String> unknownTopLevelKeys() {
    List<String> unknown = new ArrayList<>();
    for (String key : root.keys()) {
      if (!KNOWN_TOP_LEVEL_KEYS.contains(key)) {
        unknown.add(key);
      }
    }
    return unknown;
  }

  /**
   * Problems that do not stop a run but probably are mistakes, one line each: unknown top-level
   * keys (with the closest known key) and a legacy {@code learning_rate} that an {@code
   * lr_scheduler} section overrides.
   */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    for (String key : unknownTopLevelKeys()) {
      String closest = Suggest.closest(key, KNOWN_TOP_LEVEL_KEYS);
      out.add(
          root.file()
              + ": unknown top-level key '"
              + key
              + "' is ignored"
              + (closest == null ? "" : " (did you mean '" + closest + "'?)"));
    }
    if (root.has("lr_scheduler") && root.has("learning_rate")) {
      out.add(root.file() + ": learning_rate is ignored because lr_scheduler is given");
    }
    return out;
  }

  private static void putIfMissing(Map<String, Object> map, String key, Object value) {
    if (map.get(key) == null) {
      map.put(key, value);
    }
  }
}
