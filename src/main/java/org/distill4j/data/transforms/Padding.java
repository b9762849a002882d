package org.distill4j.data.transforms;

import java.util.Arrays;
import java.util.Random;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;

/**
 * Pads at the bottom and right up to {@code target_size} ({@code [w, h]}, required), with {@code
 * im_padding_value} (default 127.5) and {@code label_padding_value} (default 255). An image larger
 * than the target is an error, as in PaddleSeg.
 */
public final class Padding implements Transform {
  private final int width;
  private final int height;
  private final float[] imPadding;
  private final int labelPadding;

  public Padding(int width, int height) {
    this(width, height, new float[] {127.5f, 127.5f, 127.5f}, 255);
  }

  public Padding(int width, int height, float[] imPadding, int labelPadding) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("target size must be positive: " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
    this.imPadding = imPadding.clone();
    this.labelPadding = labelPadding;
  }

  public static Padding fromConfig(ConfigMap cfg) {
    ConfigKeys.allowOnly(cfg, "Padding", "target_size", "im_padding_value", "label_padding_value");
    if (!cfg.has("target_size")) {
      throw cfg.error("target_size", "missing; Padding needs target_size: [width, height]");
    }
    int[] wh = ConfigKeys.positiveSize(cfg, "target_size", null);
    return new Padding(
        wh[0],
        wh[1],
        ConfigKeys.paddingValue(cfg, "im_padding_value", 127.5f),
        cfg.optInt("label_padding_value", 255));
  }

  @Override
  public void apply(SegImage img, Random rng) {
    if (img.height > height || img.width > width) {
      throw new ConfigException(
          "Padding: the image ("
              + img.width
              + "x"
              + img.height
              + ", width x height) is larger than target_size ["
              + width
              + ", "
              + height
              + "]; raise target_size or resize the image first");
    }
    int h = img.height;
    int w = img.width;
    if (h == height && w == width && (!img.hasLabel() || sameLabelSize(img))) {
      return;
    }
    img.setImage(
        Resampling.padBottomRight(img.data, h, w, img.channels, height, width, imPadding),
        height,
        width,
        img.channels);
    if (img.hasLabel()) {
      int lh = img.labelHeight;
      int lw = img.labelWidth;
      img.setLabel(
          Resampling.padBottomRight(img.label, lh, lw, height, width, labelPadding), height, width);
    }
  }

  private boolean sameLabelSize(SegImage img) {
    return img.labelHeight == height && img.labelWidth == width;
  }

  @Override
  public boolean isRandom() {
    return false;
  }

  @Override
  public String toString() {
    return "Padding(target_size=["
        + width
        + ", "
        + height
        + "], im_padding_value="
        + Arrays.toString(imPadding)
        + ", label_padding_value="
        + labelPadding
        + ")";
  }
}
