package org.distill4j.data.transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.distill4j.config.ConfigMap;

/**
 * Random photometric changes in PaddleSeg's manner: brightness, contrast, saturation, hue and
 * sharpness, each applied with its own probability, in a random order, on the image truncated to
 * 8-bit RGB. Brightness/contrast/saturation/sharpness factors are uniform in {@code [1 - range, 1 +
 * range]}; the hue shift is uniform in {@code [-hue_range, hue_range]} on PIL's 0..255 hue scale
 * (so the default 18 is about 25 degrees).
 */
public final class RandomDistort implements Transform {
  private enum Op {
    BRIGHTNESS,
    CONTRAST,
    SATURATION,
    HUE,
    SHARPNESS
  }

  private final double[] range = new double[Op.values().length];
  private final double[] prob = new double[Op.values().length];

  private RandomDistort(Builder b) {
    System.arraycopy(b.range, 0, range, 0, range.length);
    System.arraycopy(b.prob, 0, prob, 0, prob.length);
  }

  public static Builder builder() {
    return new Builder();
  }

  public static RandomDistort fromConfig(ConfigMap cfg) {
    String[] names = {"brightness", "contrast", "saturation", "hue", "sharpness"};
    List<String> keys = new ArrayList<>();
    for (String n : names) {
      keys.add(n + "_range");
      keys.add(n + "_prob");
    }
    ConfigKeys.allowOnly(cfg, "RandomDistort", keys.toArray(new String[0]));
    Builder b = builder();
    for (Op op : Op.values()) {
      String n = names[op.ordinal()];
      b.range[op.ordinal()] = ConfigKeys.nonNegative(cfg, n + "_range", b.range[op.ordinal()]);
      b.prob[op.ordinal()] = ConfigKeys.probability(cfg, n + "_prob", b.prob[op.ordinal()]);
    }
    return b.build();
  }

  @Override
  public void apply(SegImage img, Random rng) {
    Op[] order = Op.values().clone();
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      Op t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] rgb = null;
    for (Op op : order) {
      if (!(rng.nextDouble() < prob[op.ordinal()])) {
        continue;
      }
      double r = range[op.ordinal()];
      double amount =
          op == Op.HUE ? -r + 2 * r * rng.nextDouble() : (1 - r) + 2 * r * rng.nextDouble();
      if (rgb == null) {
        rgb = toBytes(img);
      }
      switch (op) {
        case BRIGHTNESS -> PilEnhance.brightness(rgb, amount);
        case CONTRAST -> PilEnhance.contrast(rgb, amount);
        case SATURATION -> PilEnhance.saturation(rgb, amount);
        case HUE -> PilEnhance.hue(rgb, amount);
        default -> PilEnhance.sharpness(rgb, img.height, img.width, amount);
      }
    }
    // PaddleSeg always round-trips through uint8, even when no operation fires.
    if (rgb == null) {
      rgb = toBytes(img);
    }
    for (int i = 0; i < rgb.length; i++) {
      img.data[i] = rgb[i];
    }
  }

  private static int[] toBytes(SegImage img) {
    if (img.channels != 3) {
      throw new IllegalStateException("RandomDistort needs a 3-channel image, got " + img);
    }
    int[] rgb = new int[img.data.length];
    for (int i = 0; i < rgb.length; i++) {
      float v = img.data[i];
      rgb[i] = v <= 0f ? 0 : v >= 255f ? 255 : (int) v;
    }
    return rgb;
  }

  @Override
  public boolean isRandom() {
    return true;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("RandomDistort(");
    for (Op op : Op.values()) {
      String n = op.name().toLowerCase(java.util.Locale.ROOT);
      sb.append(op.ordinal() == 0 ? "" : ", ")
          .append(n)
          .append("_range=")
          .append(range[op.ordinal()])
          .append(", ")
          .append(n)
          .append("_prob=")
          .append(prob[op.ordinal()]);
    }
    return sb.append(")").toString();
  }

  /** Options with PaddleSeg's defaults: ranges 0.5 (hue 18), probabilities 0.5 (sharpness 0). */
  public static final class Builder {
    private final double[] range = {0.5, 0.5, 0.5, 18, 0.5};
    private final double[] prob = {0.5, 0.5, 0.5, 0.5, 0};

    private Builder() {}

    public Builder optBrightness(double range, double prob) {
      return set(Op.BRIGHTNESS, range, prob);
    }

    public Builder optContrast(double range, double prob) {
      return set(Op.CONTRAST, range, prob);
    }

    public Builder optSaturation(double range, double prob) {
      return set(Op.SATURATION, range, prob);
    }

    public Builder optHue(double range, double prob) {
      return set(Op.HUE, range, prob);
    }

    public Builder optSharpness(double range, double prob) {
      return set(Op.SHARPNESS, range, prob);
    }

    private Builder set(Op op, double r, double p) {
      if (!(r >= 0) || !(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException(
            op + ": need range >= 0 and prob in [0, 1], got " + r + ", " + p);
      }
      range[op.ordinal()] = r;
      prob[op.ordinal()] = p;
      return this;
    }

    public RandomDistort build() {
      return new RandomDistort(this);
    }
  }
}
