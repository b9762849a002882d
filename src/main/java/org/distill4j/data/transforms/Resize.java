package org.distill4j.data.transforms;

import java.util.Locale;
import java.util.Random;
import org.distill4j.config.ConfigMap;

/**
 * Resizes to a fixed {@code width x height} (PaddleSeg's {@code target_size} is {@code [w, h]}).
 * The image uses OpenCV-compatible LINEAR (default) or NEAREST interpolation; a label travelling
 * with the image always uses NEAREST.
 */
public final class Resize implements Transform {
  /** Image interpolation modes. */
  public enum Interp {
    LINEAR,
    NEAREST
  }

  private final int width;
  private final int height;
  private final Interp interp;

  public Resize(int width, int height) {
    this(width, height, Interp.LINEAR);
  }

  public Resize(int width, int height, Interp interp) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("target size must be positive: " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
    this.interp = interp;
  }

  /** Keys: {@code target_size} (default [512, 512]), {@code interp} (LINEAR or NEAREST). */
  public static Resize fromConfig(ConfigMap cfg) {
    ConfigKeys.allowOnly(cfg, "Resize", "target_size", "interp", "keep_ratio");
    if (cfg.optBoolean("keep_ratio", false)) {
      throw cfg.error("keep_ratio", "keep_ratio: true is not supported; use false");
    }
    int[] wh = ConfigKeys.positiveSize(cfg, "target_size", new int[] {512, 512});
    String name = cfg.optString("interp", "LINEAR").toUpperCase(Locale.ROOT);
    Interp interp;
    try {
      interp = Interp.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw cfg.error(
          "interp", "unsupported interpolation '" + name + "'; supported: LINEAR, NEAREST");
    }
    return new Resize(wh[0], wh[1], interp);
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public Interp interp() {
    return interp;
  }

  @Override
  public void apply(SegImage img, Random rng) {
    resize(img, width, height, interp);
  }

  /** Resizes image (with {@code interp}) and label (nearest) to {@code w x h}. */
  static void resize(SegImage img, int w, int h, Interp interp) {
    if (img.height != h || img.width != w) {
      float[] out =
          interp == Interp.LINEAR
              ? Resampling.bilinear(img.data, img.height, img.width, img.channels, h, w)
              : Resampling.nearest(img.data, img.height, img.width, img.channels, h, w);
      img.setImage(out, h, w, img.channels);
    }
    if (img.hasLabel() && (img.labelHeight != h || img.labelWidth != w)) {
      img.setLabel(Resampling.nearest(img.label, img.labelHeight, img.labelWidth, h, w), h, w);
    }
  }

  @Override
  public boolean isRandom() {
    return false;
  }

  @Override
  public String toString() {
    return "Resize(target_size=[" + width + ", " + height + "], interp=" + interp + ")";
  }
}
