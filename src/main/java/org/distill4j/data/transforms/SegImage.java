package org.distill4j.data.transforms;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;

/**
 * The mutable image-and-label pair that transforms work on: the image as HWC float (RGB, 0..255
 * before {@link Normalize}), the label as row-major class indices or null. A transform replaces the
 * arrays and sizes it changes; the image and label keep the same size in training, while in val
 * mode the label is simply absent during the transforms.
 */
public final class SegImage {
  /** Pixels, channels-last: {@code data[(y * width + x) * channels + c]}. */
  public float[] data;

  public int height;
  public int width;
  public int channels;

  /**
   * Class indices, {@code label[y * labelWidth + x]}; null when no label travels with the image.
   */
  public int[] label;

  public int labelHeight;
  public int labelWidth;

  public SegImage(float[] data, int height, int width, int channels) {
    this(data, height, width, channels, null, 0, 0);
  }

  public SegImage(
      float[] data,
      int height,
      int width,
      int channels,
      int[] label,
      int labelHeight,
      int labelWidth) {
    setImage(data, height, width, channels);
    setLabel(label, labelHeight, labelWidth);
  }

  /** Replaces the image, checking that the array matches the size. */
  public void setImage(float[] data, int height, int width, int channels) {
    if (data.length != height * width * channels) {
      throw new IllegalArgumentException(
          "image has " + data.length + " values, expected " + height * width * channels);
    }
    this.data = data;
    this.height = height;
    this.width = width;
    this.channels = channels;
  }

  /** Replaces the label (null removes it), checking that the array matches the size. */
  public void setLabel(int[] label, int labelHeight, int labelWidth) {
    if (label != null && label.length != labelHeight * labelWidth) {
      throw new IllegalArgumentException(
          "label has " + label.length + " values, expected " + labelHeight * labelWidth);
    }
    this.label = label;
    this.labelHeight = label == null ? 0 : labelHeight;
    this.labelWidth = label == null ? 0 : labelWidth;
  }

  public boolean hasLabel() {
    return label != null;
  }

  public float get(int y, int x, int c) {
    return data[(y * width + x) * channels + c];
  }

  /**
   * The RGB pixels of an in-memory image as a 3-channel SegImage without a label. Grey images are
   * copied to all three channels with their stored values (no colour-space conversion), as OpenCV
   * does.
   */
  public static SegImage fromBufferedImage(BufferedImage image) {
    int h = image.getHeight();
    int w = image.getWidth();
    float[] out = new float[h * w * 3];
    int type = image.getType();
    if (type == BufferedImage.TYPE_3BYTE_BGR) {
      byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
      for (int i = 0; i < h * w; i++) {
        out[i * 3] = bgr[i * 3 + 2] & 0xFF;
        out[i * 3 + 1] = bgr[i * 3 + 1] & 0xFF;
        out[i * 3 + 2] = bgr[i * 3] & 0xFF;
      }
    } else if (isPlainGrey(image)) {
      Raster raster = image.getRaster();
      int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          float v = row[x] >> shift;
          int o = (y * w + x) * 3;
          out[o] = v;
          out[o + 1] = v;
          out[o + 2] = v;
        }
      }
    } else {
      int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
      for (int i = 0; i < h * w; i++) {
        out[i * 3] = (argb[i] >> 16) & 0xFF;
        out[i * 3 + 1] = (argb[i] >> 8) & 0xFF;
        out[i * 3 + 2] = argb[i] & 0xFF;
      }
    }
    return new SegImage(out, h, w, 3);
  }

  /**
   * Grey images without a palette. getRGB would apply a gamma conversion to them, which OpenCV does
   * not, so their samples are read directly.
   */
  private static boolean isPlainGrey(BufferedImage image) {
    return image.getRaster().getNumBands() <= 2
        && !(image.getColorModel() instanceof java.awt.image.IndexColorModel)
        && image.getRaster().getSampleModel().getSampleSize(0) >= 8;
  }

  @Override
  public String toString() {
    return "SegImage["
        + height
        + "x"
        + width
        + "x"
        + channels
        + (label == null ? "" : " label " + labelHeight + "x" + labelWidth)
        + "]";
  }
}
