package org.distill4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;

/**
 * PaddleSeg's optic-disc dataset (2 classes: background, disc): {@code JPEGImages/*.jpg}, {@code
 * Annotations/*.png} and {@code train_list.txt} / {@code val_list.txt} / {@code test_list.txt}
 * under {@code dataset_root} (default {@code data/optic_disc_seg}), lines split on whitespace. The
 * synthetic generator behind {@code make-dataset} writes a set in the same layout. Built from a
 * config whose {@code dataset_root} does not exist, it downloads PaddleSeg's set there first
 * ({@link OpticDiscDownload}).
 */
public final class OpticDiscSeg implements SegDataset {
  public static final int NUM_CLASSES = 2;
  public static final String DEFAULT_ROOT = "data/optic_disc_seg";

  private final ListFileDataset list;

  private OpticDiscSeg(ListFileDataset list) {
    this.list = list;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keys: {@code dataset_root}, {@code mode}, {@code transforms}. */
  public static OpticDiscSeg fromConfig(ConfigMap cfg, String defaultMode) {
    cfg.requireKnownKeys(
        "OpticDiscSeg",
        Arrays.asList("dataset_root", "mode", "transforms", "num_classes", "edge", LabelMap.KEY));
    String mode = ListFileDataset.readMode(cfg, defaultMode);
    ListFileDataset.rejectUnsupported(cfg);
    if (cfg.has("num_classes") && cfg.getInt("num_classes") != NUM_CLASSES) {
      throw cfg.error(
          "num_classes", "OpticDiscSeg has exactly 2 classes, got " + cfg.getInt("num_classes"));
    }
    Path root = Path.of(cfg.optString("dataset_root", DEFAULT_ROOT));
    if (!Files.exists(root)) {
      // As PaddleSeg does: a missing root is filled with the real set, downloaded once.
      try {
        OpticDiscDownload.into(root);
      } catch (ConfigException e) {
        throw cfg.error("dataset_root", e.getMessage());
      }
    }
    Builder b =
        builder()
            .optRoot(root)
            .optMode(mode)
            .optTransforms(Compose.fromConfig(cfg.optMapList("transforms"), mode))
            .optLabelMap(LabelMap.fromConfig(cfg, NUM_CLASSES, 255));
    b.inner.locate(new ListFileDataset.Locations(cfg, "dataset_root", null), "");
    return b.build();
  }

  /**
   * Downloads PaddleSeg's optic-disc set into {@code root} (which must not exist), as a config with
   * a missing {@code dataset_root} does; a ConfigException says why when it cannot.
   */
  public static void download(Path root) {
    OpticDiscDownload.into(root);
  }

  /** The list file name for a mode. */
  public static String listFileName(String mode) {
    return mode.toLowerCase(Locale.ROOT) + "_list.txt";
  }

  /** Options for the optic-disc dataset. */
  public static final class Builder {
    private final ListFileDataset.Builder inner = new ListFileDataset.Builder();

    private Builder() {
      inner.setRoot(Path.of(DEFAULT_ROOT)).setNumClasses(NUM_CLASSES);
    }

    public Builder optRoot(Path root) {
      inner.setRoot(root);
      return this;
    }

    /** {@code train} (default), {@code val} or {@code test}. */
    public Builder optMode(String mode) {
      inner.optMode(mode);
      return this;
    }

    public Builder optTransforms(Compose transforms) {
      inner.optTransforms(transforms);
      return this;
    }

    /** Remaps stored label values as labels are read (the {@code label_map} key). */
    public Builder optLabelMap(LabelMap labelMap) {
      inner.optLabelMap(labelMap);
      return this;
    }

    public OpticDiscSeg build() {
      inner.checkCommon();
      inner.setListFile(inner.root.resolve(listFileName(inner.mode)));
      return new OpticDiscSeg(new ListFileDataset(inner));
    }
  }

  @Override
  public int size() {
    return list.size();
  }

  @Override
  public Sample get(int index, Random rng) {
    return list.get(index, rng);
  }

  @Override
  public int numClasses() {
    return NUM_CLASSES;
  }

  @Override
  public int ignoreIndex() {
    return list.ignoreIndex();
  }

  @Override
  public String mode() {
    return list.mode();
  }

  @Override
  public Path root() {
    return list.root();
  }

  public Path listFile() {
    return list.listFile();
  }

  public Compose transforms() {
    return list.transforms();
  }

  @Override
  public Optional<Compose> sampleTransforms() {
    return Optional.of(list.transforms());
  }

  @Override
  public Path imagePath(int index) {
    return list.imagePath(index);
  }

  @Override
  public Path labelPath(int index) {
    return list.labelPath(index);
  }

  @Override
  public String toString() {
    return "OpticDiscSeg(root=" + root() + ", mode=" + mode() + ", samples=" + size() + ")";
  }
}
