package org.distill4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.Registry;

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

  /**
   * Reads every image and label once and reports all problems together: files that cannot be
   * decoded, colour labels, image/label size mismatches, and label values outside {@code [0,
   * numClasses)} other than the ignore index.
   *
   * @return the number of samples checked
   * @throws ConfigException listing the first 10 bad files and the total count
   */
  public static int validate(SegDataset ds) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < ds.size(); i++) {
      String problem = checkSample(ds, i);
      if (problem != null) {
        problems.add(problem);
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(
          problems.size()
              + " of "
              + ds.size()
              + " samples in "
              + ds.root()
              + " ("
              + ds.mode()
              + ") are bad: "
              + Problems.summarize(problems, 10));
    }
    return ds.size();
  }

  private static String checkSample(SegDataset ds, int index) {
    Path imageFile = ds.imagePath(index);
    Path labelFile = ds.labelPath(index);
    int ih;
    int iw;
    try {
      var image = ImageFiles.decode(imageFile, "image");
      ih = image.getHeight();
      iw = image.getWidth();
    } catch (ConfigException e) {
      return e.getMessage();
    }
    if (labelFile == null) {
      return null;
    }
    ImageFiles.Label label;
    try {
      label = ImageFiles.readLabel(labelFile);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    if (label.height() != ih || label.width() != iw) {
      return labelFile
          + " is "
          + label.width()
          + "x"
          + label.height()
          + " but its image "
          + imageFile
          + " is "
          + iw
          + "x"
          + ih;
    }
    TreeSet<Integer> bad = new TreeSet<>();
    for (int v : label.values()) {
      if ((v < 0 || v >= ds.numClasses()) && v != ds.ignoreIndex()) {
        bad.add(v);
      }
    }
    if (!bad.isEmpty()) {
      return labelFile
          + " has label values "
          + bad
          + " outside [0, "
          + ds.numClasses()
          + ") that are not the ignore index "
          + ds.ignoreIndex();
    }
    return null;
  }
}
