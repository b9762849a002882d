package org.distill4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.TextFiles;

/**
 * PaddleSeg's generic {@code Dataset}: a list file whose lines are {@code image label} (or just
 * {@code image} in test mode), with paths relative to {@code dataset_root}. Everything is checked
 * when the dataset is built: the root, the list file and each line's field count; missing,
 * undecodable and mismatched files are all reported together by {@link Datasets#validate}.
 */
public final class ListFileDataset implements SegDataset {
  static final List<String> MODES = List.of("train", "val", "test");

  private final Path root;
  private final Path listFile;
  private final String mode;
  private final int numClasses;
  private final int ignoreIndex;
  private final Compose transforms;
  private final List<Path> images = new ArrayList<>();
  private final List<Path> labels = new ArrayList<>();

  ListFileDataset(Builder b) {
    this.root = b.root;
    this.mode = b.mode;
    this.numClasses = b.numClasses;
    this.ignoreIndex = b.ignoreIndex;
    Compose given = b.transforms != null ? b.transforms : new Compose(List.of(), b.mode);
    this.transforms = given.withLabelMap(b.labelMap);
    if (!this.transforms.mode().equals(mode)) {
      throw new IllegalArgumentException(
          "transforms built for mode " + this.transforms.mode() + " used in mode " + mode);
    }
    Locations loc = b.locations;
    if (!Files.isDirectory(root)) {
      throw loc.rootError(
          "dataset directory "
              + root
              + " ("
              + root.toAbsolutePath().normalize()
              + ") does not exist; run `bin/distill4j make-dataset --out "
              + root
              + "` to generate the synthetic set, or download"
              + " https://paddleseg.bj.bcebos.com/dataset/optic_disc_seg.zip and unzip it there");
    }
    this.listFile = b.listFile;
    if (!Files.isRegularFile(listFile)) {
      throw loc.listError("list file " + listFile + " does not exist" + b.listFileHint);
    }
    parse(b.separator);
    // Missing files are reported by Datasets.validate together with every other bad file, so one
    // run of the check lists them all.
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds from PaddleSeg's keys: {@code dataset_root}, {@code train_path}/{@code val_path}/{@code
   * test_path}, {@code num_classes}, {@code mode}, {@code separator} (" "), {@code ignore_index}
   * (255), {@code transforms}. List paths are taken as given (relative to the working directory, as
   * PaddleSeg does) or, failing that, relative to {@code dataset_root}.
   */
  public static ListFileDataset fromConfig(ConfigMap cfg, String defaultMode) {
    cfg.requireKnownKeys(
        "Dataset",
        Arrays.asList(
            "dataset_root",
            "train_path",
            "val_path",
            "test_path",
            "num_classes",
            "mode",
            "separator",
            "ignore_index",
            "transforms",
            "img_channels",
            "edge",
            LabelMap.KEY));
    String mode = readMode(cfg, defaultMode);
    rejectUnsupported(cfg);
    Path root = Path.of(cfg.getString("dataset_root"));
    String listKey = mode + "_path";
    if (!cfg.has(listKey)) {
      throw cfg.error(listKey, "missing; mode is '" + mode + "', so " + listKey + " is needed");
    }
    String given = cfg.getString(listKey);
    Path list = Path.of(given);
    String hint = "";
    if (!Files.isRegularFile(list) && !list.isAbsolute()) {
      Path underRoot = root.resolve(given);
      hint = " (also looked for " + underRoot + ")";
      if (Files.isRegularFile(underRoot)) {
        list = underRoot;
      }
    }
    int numClasses = cfg.getPositiveInt("num_classes");
    String separator = cfg.optString("separator", " ");
    if (separator.isEmpty()) {
      throw cfg.error("separator", "must not be empty");
    }
    int ignoreIndex = cfg.optInt("ignore_index", 255);
    return builder()
        .setRoot(root)
        .setListFile(list)
        .setNumClasses(numClasses)
        .optMode(mode)
        .optSeparator(separator)
        .optIgnoreIndex(ignoreIndex)
        .optLabelMap(LabelMap.fromConfig(cfg, numClasses, ignoreIndex))
        .optTransforms(Compose.fromConfig(cfg.optMapList("transforms"), mode))
        .locate(new Locations(cfg, "dataset_root", listKey), hint)
        .build();
  }

  static String readMode(ConfigMap cfg, String defaultMode) {
    String mode = cfg.optString("mode", defaultMode).toLowerCase(Locale.ROOT);
    if (!MODES.contains(mode)) {
      throw cfg.error("mode", "must be one of train, val, test; got '" + mode + "'");
    }
    return mode;
  }

  static void rejectUnsupported(ConfigMap cfg) {
    if (cfg.optBoolean("edge", false)) {
      throw cfg.error("edge", "edge: true (edge labels) is not supported; remove it");
    }
    if (cfg.has("img_channels") && cfg.getInt("img_channels") != 3) {
      throw cfg.error("img_channels", "only 3-channel images are supported");
    }
  }

  private void parse(String separator) {
    List<String> lines = TextFiles.readUtf8Lines(listFile);
    // The default " " splits on any run of blanks (as OpticDiscSeg's split() does); any other
    // separator, a tab included, splits on exactly that string (as Dataset's split(separator)).
    Pattern split =
        separator.equals(" ") ? Pattern.compile("\\s+") : Pattern.compile(Pattern.quote(separator));
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = split.split(line);
      for (int k = 0; k < fields.length; k++) {
        fields[k] = fields[k].strip();
      }
      boolean imageOnly = fields.length == 1 && "test".equals(mode);
      if (fields.length != 2 && !imageOnly) {
        throw new ConfigException(
            listFile
                + ": line "
                + (i + 1)
                + ": expected 'image"
                + (separator.equals("\t") ? "<tab>" : separator)
                + "label' (2 fields"
                + ("test".equals(mode) ? ", or just the image in test mode" : "")
                + "), got "
                + fields.length
                + " field(s): '"
                + line
                + "'");
      }
      images.add(root.resolve(fields[0]));
      labels.add(imageOnly ? null : root.resolve(fields[1]));
    }
    if (images.isEmpty()) {
      throw new ConfigException("list file " + listFile + " has no samples");
    }
  }

  @Override
  public int size() {
    return images.size();
  }

  @Override
  public Sample get(int index, Random rng) {
    return transforms.load(images.get(index), labels.get(index), rng);
  }

  @Override
  public int numClasses() {
    return numClasses;
  }

  @Override
  public int ignoreIndex() {
    return ignoreIndex;
  }

  @Override
  public String mode() {
    return mode;
  }

  @Override
  public Path root() {
    return root;
  }

  public Path listFile() {
    return listFile;
  }

  public Compose transforms() {
    return transforms;
  }

  @Override
  public Optional<Compose> sampleTransforms() {
    return Optional.of(transforms);
  }

  @Override
  public Path imagePath(int index) {
    return images.get(index);
  }

  @Override
  public Path labelPath(int index) {
    return labels.get(index);
  }

  @Override
  public String toString() {
    return "ListFileDataset(root="
        + root
        + ", mode="
        + mode
        + ", samples="
        + size()
        + ", num_classes="
        + numClasses
        + ")";
  }

  /** Where errors about the root and the list file point: config keys when built from YAML. */
  static final class Locations {
    private final ConfigMap cfg;
    private final String rootKey;
    private final String listKey;

    Locations(ConfigMap cfg, String rootKey, String listKey) {
      this.cfg = cfg;
      this.rootKey = rootKey;
      this.listKey = listKey;
    }

    ConfigException rootError(String msg) {
      return cfg == null ? new ConfigException(msg) : cfg.error(rootKey, msg);
    }

    ConfigException listError(String msg) {
      return cfg == null || listKey == null ? new ConfigException(msg) : cfg.error(listKey, msg);
    }
  }

  /** Options for a list-file dataset. */
  public static final class Builder {
    Path root;
    Path listFile;
    int numClasses;
    String mode = "train";
    String separator = " ";
    int ignoreIndex = 255;
    Compose transforms;
    LabelMap labelMap = LabelMap.identity();
    Locations locations = new Locations(null, null, null);
    String listFileHint = "";

    Builder() {}

    public Builder setRoot(Path root) {
      this.root = root;
      return this;
    }

    /** The list file itself (not resolved against the root). */
    public Builder setListFile(Path listFile) {
      this.listFile = listFile;
      return this;
    }

    public Builder setNumClasses(int numClasses) {
      this.numClasses = numClasses;
      return this;
    }

    /** {@code train} (default), {@code val} or {@code test}. */
    public Builder optMode(String mode) {
      this.mode = mode.toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * Field separator; the default {@code " "} splits on any run of whitespace, any other string
     * (such as a tab) on exactly that string.
     */
    public Builder optSeparator(String separator) {
      this.separator = separator;
      return this;
    }

    public Builder optIgnoreIndex(int ignoreIndex) {
      this.ignoreIndex = ignoreIndex;
      return this;
    }

    /** The transforms; their mode must equal the dataset's. Default: none. */
    public Builder optTransforms(Compose transforms) {
      this.transforms = transforms;
      return this;
    }

    /** Remaps stored label values as labels are read (the {@code label_map} key). */
    public Builder optLabelMap(LabelMap labelMap) {
      this.labelMap = labelMap;
      return this;
    }

    Builder locate(Locations locations, String listFileHint) {
      this.locations = locations;
      this.listFileHint = listFileHint;
      return this;
    }

    void checkCommon() {
      if (root == null) {
        throw new IllegalArgumentException("setRoot is required");
      }
      if (!MODES.contains(mode)) {
        throw new IllegalArgumentException("mode must be train, val or test, got " + mode);
      }
      if (numClasses <= 0) {
        throw new IllegalArgumentException("setNumClasses needs a positive count");
      }
    }

    public ListFileDataset build() {
      checkCommon();
      if (listFile == null) {
        throw new IllegalArgumentException("setListFile is required");
      }
      return new ListFileDataset(this);
    }
  }
}
