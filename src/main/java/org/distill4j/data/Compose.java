package org.distill4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.data.transforms.SegImage;
import org.distill4j.data.transforms.Transform;
import org.distill4j.data.transforms.Transforms;

/**
 * Loads an image (and label) and runs a list of transforms, like PaddleSeg's {@code Compose}. In
 * mode {@code train} the label goes through the transforms with the image; in {@code val} and
 * {@code test} only the image is transformed and the label keeps the size of its file, because
 * evaluation compares against the original-resolution label.
 */
public final class Compose {
  private final List<Transform> transforms;
  private final String mode;
  private final LabelMap labelMap;

  public Compose(List<Transform> transforms, String mode) {
    this(transforms, mode, LabelMap.identity());
  }

  private Compose(List<Transform> transforms, String mode, LabelMap labelMap) {
    this.labelMap = labelMap;
    this.transforms = List.copyOf(transforms);
    this.mode = mode.toLowerCase(Locale.ROOT);
    if (!List.of("train", "val", "test").contains(this.mode)) {
      throw new IllegalArgumentException("mode must be train, val or test, got '" + mode + "'");
    }
  }

  /** Builds each transform through {@link Transforms#registry()}. */
  public static Compose fromConfig(List<ConfigMap> transforms, String mode) {
    List<Transform> built = new ArrayList<>();
    for (ConfigMap cfg : transforms) {
      built.add(Transforms.registry().build(cfg));
    }
    return new Compose(built, mode);
  }

  public List<Transform> transforms() {
    return transforms;
  }

  public String mode() {
    return mode;
  }

  /** The dataset's {@code label_map}, applied to every label this pipeline reads. */
  public LabelMap labelMap() {
    return labelMap;
  }

  /** This pipeline with label values remapped by {@code map} as they are read. */
  public Compose withLabelMap(LabelMap map) {
    return new Compose(transforms, mode, map);
  }

  /**
   * Every fixed pipeline this one can act as, in the order of the transforms' own {@link
   * Transform#outcomes()} (Resize + RandomHorizontalFlip + Normalize gives two: without and with
   * the flip); empty when a transform's outcomes cannot be listed.
   */
  public Optional<List<Compose>> outcomes() {
    List<List<Transform>> pipelines = List.of(List.of());
    for (Transform t : transforms) {
      Optional<List<Transform>> choices = t.outcomes();
      if (choices.isEmpty()) {
        return Optional.empty();
      }
      List<List<Transform>> longer = new ArrayList<>();
      for (List<Transform> head : pipelines) {
        for (Transform choice : choices.get()) {
          List<Transform> p = new ArrayList<>(head);
          p.add(choice);
          longer.add(p);
        }
      }
      pipelines = longer;
    }
    List<Compose> out = new ArrayList<>();
    for (List<Transform> p : pipelines) {
      out.add(new Compose(p, mode, labelMap));
    }
    return Optional.of(out);
  }

  /** True when the label is transformed with the image (training mode). */
  public boolean transformsLabel() {
    return "train".equals(mode);
  }

  /**
   * Reads and transforms one sample.
   *
   * @param labelOrNull the label PNG, or null when there is none (prediction)
   * @throws org.distill4j.errors.DataException when a file cannot be decoded, the label is not
   *     single-channel, or image and label differ in size
   */
  public Sample load(Path image, Path labelOrNull, Random rng) {
    SegImage img = ImageFiles.readImage(image);
    int[] label = null;
    int lh = 0;
    int lw = 0;
    if (labelOrNull != null) {
      ImageFiles.Label l = ImageFiles.readLabel(labelOrNull);
      labelMap.apply(l.values());
      if (l.height() != img.height || l.width() != img.width) {
        throw new org.distill4j.errors.DataException(
            "image and label sizes differ: "
                + image
                + " is "
                + img.width
                + "x"
                + img.height
                + " but "
                + labelOrNull
                + " is "
                + l.width()
                + "x"
                + l.height()
                + " (width x height); every label must match its image");
      }
      label = l.values();
      lh = l.height();
      lw = l.width();
    }
    img.setLabel(label, lh, lw);
    return apply(img, image.toString(), rng);
  }

  /**
   * Transforms an image already in memory (with or without a label) into a sample. The SegImage is
   * modified.
   */
  public Sample apply(SegImage img, String imagePath, Random rng) {
    int originalHeight = img.height;
    int originalWidth = img.width;
    int[] keptLabel = null;
    int keptHeight = 0;
    int keptWidth = 0;
    if (!transformsLabel() && img.hasLabel()) {
      keptLabel = img.label;
      keptHeight = img.labelHeight;
      keptWidth = img.labelWidth;
      img.setLabel(null, 0, 0);
    }
    for (Transform t : transforms) {
      try {
        t.apply(img, rng);
      } catch (ConfigException e) {
        throw new ConfigException(imagePath + ": " + e.getMessage(), e);
      }
    }
    if (keptLabel != null) {
      img.setLabel(keptLabel, keptHeight, keptWidth);
    }
    return new Sample(
        toChw(img),
        img.channels,
        img.height,
        img.width,
        img.label,
        img.labelHeight,
        img.labelWidth,
        imagePath,
        originalHeight,
        originalWidth);
  }

  static float[] toChw(SegImage img) {
    int hw = img.height * img.width;
    int c = img.channels;
    float[] out = new float[hw * c];
    float[] d = img.data;
    for (int i = 0; i < hw; i++) {
      for (int k = 0; k < c; k++) {
        out[k * hw + i] = d[i * c + k];
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "Compose(mode=" + mode + ", " + transforms + ")";
  }
}
