package org.distill4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.Registry;
import org.distill4j.errors.DataException;

/** The dataset registry ({@code OpticDiscSeg}, {@code Dataset}) and a whole-dataset check. */
public final class Datasets {
  private static final Registry<SegDataset> REGISTRY = createDefault();

  private Datasets() {}

  /** Shared registry; builders read {@code mode} with default {@code train}. */
  public static Registry<SegDataset> registry() {
    return REGISTRY;
  }

  private static Registry<SegDataset> createDefault() {
    Registry<SegDataset> r = new Registry<>("dataset");
    r.register("OpticDiscSeg", cfg -> OpticDiscSeg.fromConfig(cfg, "train"));
    r.register("Dataset", cfg -> ListFileDataset.fromConfig(cfg, "train"));
    return r;
  }

  /**
   * Builds a dataset config, using {@code defaultMode} when the config has no {@code mode} (e.g.
   * "val" for {@code val_dataset}).
   */
  public static SegDataset build(ConfigMap cfg, String defaultMode) {
    if (cfg.has("mode")) {
      return REGISTRY.build(cfg);
    }
    Map<String, Object> withMode = new LinkedHashMap<>(cfg.raw());
    withMode.put("mode", defaultMode);
    return REGISTRY.build(new ConfigMap(withMode, cfg.path(), cfg.file()));
  }

  /** The most bad files one report lists line by line. */
  static final int REPORT_LIMIT = 20;

  /**
   * Reads every image and label once and reports all problems together in one run: missing files,
   * files that cannot be decoded, colour labels, image/label size mismatches, label values outside
   * {@code [0, numClasses)} other than the ignore index, and a dataset whose labels hold no class
   * but the background (0/255 masks with {@code ignore_index} 255).
   *
   * @return the number of samples checked
   * @throws ConfigException a count, then one line per bad file (at most 20)
   */
  public static int validate(SegDataset ds) {
    return validate(ds, null);
  }

  /**
   * As {@link #validate(SegDataset)}, skipping samples whose files are unchanged (path, size,
   * modification time) since they last passed, as recorded in {@code cacheFile} (null: no cache).
   */
  public static int validate(SegDataset ds, Path cacheFile) {
    DataCheckCache cache = DataCheckCache.open(cacheFile, cacheKey(ds));
    LabelMap labelMap = ds.sampleTransforms().map(Compose::labelMap).orElse(LabelMap.identity());
    List<String> problems = new ArrayList<>();
    int labelFiles = 0;
    int withForeground = 0;
    int withIgnore = 0;
    Path exampleIgnoreOnly = null;
    for (int i = 0; i < ds.size(); i++) {
      DataCheckCache.Entry entry = cache.lookup(ds.imagePath(i), ds.labelPath(i));
      if (entry == null) {
        SampleCheck c = checkSample(ds, i, labelMap);
        if (c.problem != null) {
          problems.add(c.problem);
          continue;
        }
        entry = cache.store(ds.imagePath(i), ds.labelPath(i), c.foreground, c.ignore);
      }
      if (ds.labelPath(i) != null) {
        labelFiles++;
        withForeground += entry.foreground() ? 1 : 0;
        withIgnore += entry.ignore() ? 1 : 0;
        if (entry.ignore() && !entry.foreground() && exampleIgnoreOnly == null) {
          exampleIgnoreOnly = ds.labelPath(i);
        }
      }
    }
    cache.save();
    if (!problems.isEmpty()) {
      throw new ConfigException(report(ds, problems));
    }
    if (labelFiles > 0 && withForeground == 0 && withIgnore > 0) {
      throw new ConfigException(
          onlyBackgroundAndIgnore(ds, exampleIgnoreOnly, withIgnore, labelFiles));
    }
    return ds.size();
  }

  private static String report(SegDataset ds, List<String> problems) {
    StringBuilder sb = new StringBuilder();
    sb.append(problems.size())
        .append(" of ")
        .append(ds.size())
        .append(" samples in ")
        .append(ds.root())
        .append(" (")
        .append(ds.mode())
        .append(") are bad; fix or remove them from the list file:");
    for (int i = 0; i < Math.min(REPORT_LIMIT, problems.size()); i++) {
      sb.append("\n  ").append(problems.get(i));
    }
    if (problems.size() > REPORT_LIMIT) {
      sb.append("\n  ... and ")
          .append(problems.size() - REPORT_LIMIT)
          .append(" more (")
          .append(problems.size())
          .append(" in total)");
    }
    return sb.toString();
  }

  private static String onlyBackgroundAndIgnore(
      SegDataset ds, Path example, int withIgnore, int labelFiles) {
    return "no label file in "
        + ds.root()
        + " ("
        + ds.mode()
        + ") holds a class other than 0: "
        + withIgnore
        + " of "
        + labelFiles
        + " hold only 0 and "
        + ds.ignoreIndex()
        + " (e.g. "
        + example
        + "), and "
        + ds.ignoreIndex()
        + " is the ignore_index, so every foreground pixel would be ignored; if "
        + ds.ignoreIndex()
        + " marks the foreground (0/"
        + ds.ignoreIndex()
        + " masks), add `label_map: {"
        + ds.ignoreIndex()
        + ": 1}` to the dataset section";
  }

  static String cacheKey(SegDataset ds) {
    LabelMap map = ds.sampleTransforms().map(Compose::labelMap).orElse(LabelMap.identity());
    return "classes=" + ds.numClasses() + " ignore=" + ds.ignoreIndex() + " label_map=" + map;
  }

  /** One sample's outcome: a problem line, or what its label holds. */
  private record SampleCheck(String problem, boolean foreground, boolean ignore) {
    static SampleCheck bad(String problem) {
      return new SampleCheck(problem, false, false);
    }
  }

  private static SampleCheck checkSample(SegDataset ds, int index, LabelMap labelMap) {
    Path imageFile = ds.imagePath(index);
    Path labelFile = ds.labelPath(index);
    String missing = missing(imageFile, "image", labelFile);
    if (missing != null) {
      return SampleCheck.bad(missing);
    }
    int ih;
    int iw;
    int orientation;
    try {
      ImageFiles.Upright image = ImageFiles.decodeImage(imageFile);
      ih = image.image().getHeight();
      iw = image.image().getWidth();
      orientation = image.orientation();
    } catch (DataException e) {
      return SampleCheck.bad(e.getMessage());
    }
    if (labelFile == null) {
      return new SampleCheck(null, false, false);
    }
    ImageFiles.Label label;
    try {
      label = ImageFiles.readLabel(labelFile);
    } catch (DataException e) {
      return SampleCheck.bad(e.getMessage());
    }
    if (label.height() != ih || label.width() != iw) {
      return SampleCheck.bad(
          labelFile
              + " is "
              + label.width()
              + "x"
              + label.height()
              + " but its image "
              + imageFile
              + " is "
              + iw
              + "x"
              + ih
              + ImageFiles.orientationNote(orientation));
    }
    labelMap.apply(label.values());
    return labelValues(ds, labelFile, label.values());
  }

  private static String missing(Path imageFile, String what, Path labelFile) {
    boolean noImage = !Files.isRegularFile(imageFile);
    boolean noLabel = labelFile != null && !Files.isRegularFile(labelFile);
    if (noImage && noLabel) {
      return "missing files: " + imageFile + " and " + labelFile;
    }
    if (noImage) {
      return "missing " + what + " file: " + imageFile;
    }
    return noLabel ? "missing label file: " + labelFile : null;
  }

  private static SampleCheck labelValues(SegDataset ds, Path labelFile, int[] values) {
    TreeSet<Integer> bad = new TreeSet<>();
    boolean foreground = false;
    boolean ignore = false;
    for (int v : values) {
      if (v == ds.ignoreIndex()) {
        ignore = true;
      } else if (v < 0 || v >= ds.numClasses()) {
        bad.add(v);
      } else if (v > 0) {
        foreground = true;
      }
    }
    if (!bad.isEmpty()) {
      return SampleCheck.bad(
          labelFile
              + " has label values "
              + bad
              + " outside [0, "
              + ds.numClasses()
              + ") that are not the ignore_index "
              + ds.ignoreIndex()
              + " (raise num_classes, or remap them with the dataset key label_map)");
    }
    return new SampleCheck(null, foreground, ignore);
  }
}
