package org.distill4j.data.transforms;

import java.util.Arrays;
import java.util.Random;
import org.distill4j.config.ConfigMap;

/**
 * Takes a random {@code crop_size} window (default 512x512, given as {@code [w, h]}). An image
 * smaller than the window is first padded at the bottom and right, with {@code im_padding_value}
 * (default 127.5) for the image and {@code label_padding_value} (default 255 = ignore) for the
 * label.
 */
public final class RandomPaddingCrop implements Transform {
  private final int cropWidth;
  private final int cropHeight;
  private final float[] imPadding;
  private final int labelPadding;

  public RandomPaddingCrop(int cropWidth, int cropHeight) {
    this(cropWidth, cropHeight, new float[] {127.5f, 127.5f, 127.5f}, 255);
  }

  public RandomPaddingCrop(int cropWidth, int cropHeight, float[] imPadding, int labelPadding) {
    if (cropWidth <= 0 || cropHeight <= 0) {
      throw new IllegalArgumentException(
          "crop size must be positive: " + cropWidth + "x" + cropHeight);
    }
    this.cropWidth = cropWidth;
    this.cropHeight = cropHeight;
    this.imPadding = imPadding.clone();
    this.labelPadding = labelPadding;
  }

  public static RandomPaddingCrop fromConfig(ConfigMap cfg) {
    ConfigKeys.allowOnly(
        cfg, "RandomPaddingCrop", "crop_size", "im_padding_value", "label_padding_value");
    int[] wh = ConfigKeys.positiveSize(cfg, "crop_size", new int[] {512, 512});
    return new RandomPaddingCrop(
        wh[0],
        wh[1],
        ConfigKeys.paddingValue(cfg, "im_padding_value", 127.5f),
        cfg.optInt("label_padding_value", 255));
  }

  @Override
  public void apply(SegImage img, Random rng) {
    if (img.height == cropHeight && img.width == cropWidth) {
      return;
    }
    int h = img.height;
    int w = img.width;
    if (h < cropHeight || w < cropWidth) {
      int ph = Math.max(h, cropHeight);
      int pw = Math.max(w, cropWidth);
      img.setImage(
          Resampling.padBottomRight(img.data, h, w, img.channels, ph, pw, imPadding),
          ph,
          pw,
          img.channels);
      if (img.hasLabel()) {
        img.setLabel(Resampling.padBottomRight(img.label, h, w, ph, pw, labelPadding), ph, pw);
      }
      h = ph;
      w = pw;
    }
    int top = rng.nextInt(h - cropHeight + 1);
    int left = rng.nextInt(w - cropWidth + 1);
    img.setImage(
        Resampling.crop(img.data, w, img.channels, top, left, cropHeight, cropWidth),
        cropHeight,
        cropWidth,
        img.channels);
    if (img.hasLabel()) {
      img.setLabel(
          Resampling.crop(img.label, w, top, left, cropHeight, cropWidth), cropHeight, cropWidth);
    }
  }

  @Override
  public boolean isRandom() {
    return true;
  }

  @Override
  public String toString() {
    return "RandomPaddingCrop(crop_size=["
        + cropWidth
        + ", "
        + cropHeight
        + "], im_padding_value="
        + Arrays.toString(imPadding)
        + ", label_padding_value="
        + labelPadding
        + ")";
  }
}
