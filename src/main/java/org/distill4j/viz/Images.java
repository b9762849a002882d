package org.distill4j.viz;

import ai.djl.ndarray.NDArray;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.util.List;
import java.util.Map;

/** Image helpers: class-mask colouring, overlays, feature-map grids and panel layout. */
public final class Images {
  /** Colours of classes 0, 1, 2, ...: background black, then distinct hues. */
  private static final int[] PALETTE = {
    0x000000, 0xE6194B, 0x3CB44B, 0xFFE119, 0x4363D8, 0xF58231, 0x911EB4, 0x46F0F0, 0xF032E6,
    0xBCF60C, 0xFABEBE, 0x008080, 0xE6BEFF, 0x9A6324, 0xFFFAC8, 0x800000, 0xAAFFC3, 0x808000,
    0xFFD8B1, 0x000075
  };

  private Images() {}

  /** RGB colour of a class index; 255 (ignore) is white. */
  public static int classColor(int cls) {
    if (cls == 255) {
      return 0xFFFFFF;
    }
    return PALETTE[Math.floorMod(cls, PALETTE.length)];
  }

  /** A colour picture of a class-index mask (row-major {@code height*width}). */
  public static BufferedImage colorMask(int[] mask, int height, int width) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, classColor(mask[y * width + x]));
      }
    }
    return img;
  }

  /**
   * A palette PNG image of a class-index mask: pixel values are the class indices, and viewers show
   * them in the class colours.
   */
  public static BufferedImage indexedMask(int[] mask, int height, int width) {
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      int c = classColor(i);
      r[i] = (byte) (c >> 16);
      g[i] = (byte) (c >> 8);
      b[i] = (byte) c;
    }
    IndexColorModel model = new IndexColorModel(8, 256, r, g, b);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, model);
    WritableRaster raster = img.getRaster();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        raster.setSample(x, y, 0, mask[y * width + x]);
      }
    }
    return img;
  }

  /**
   * Blends the colour of every non-background class over the image with the given opacity; the mask
   * must have the image's size.
   */
  public static BufferedImage overlay(BufferedImage image, int[] mask, double opacity) {
    int w = image.getWidth();
    int h = image.getHeight();
    if (mask.length != w * h) {
      throw new IllegalArgumentException(
          "mask has " + mask.length + " pixels, image " + w + "x" + h + " has " + (w * h));
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = image.getRGB(x, y);
        int cls = mask[y * w + x];
        if (cls != 0) {
          rgb = blend(rgb, classColor(cls), opacity);
        }
        out.setRGB(x, y, rgb & 0xFFFFFF);
      }
    }
    return out;
  }

  private static int blend(int a, int b, double t) {
    int r = (int) Math.round(((a >> 16) & 255) * (1 - t) + ((b >> 16) & 255) * t);
    int g = (int) Math.round(((a >> 8) & 255) * (1 - t) + ((b >> 8) & 255) * t);
    int bl = (int) Math.round((a & 255) * (1 - t) + (b & 255) * t);
    return (r << 16) | (g << 8) | bl;
  }

  /** Places images side by side on a white background with {@code gap} pixels between them. */
  public static BufferedImage hstack(List<BufferedImage> images, int gap) {
    int w = gap * Math.max(0, images.size() - 1);
    int h = 0;
    for (BufferedImage i : images) {
      w += i.getWidth();
      h = Math.max(h, i.getHeight());
    }
    BufferedImage out =
        new BufferedImage(Math.max(1, w), Math.max(1, h), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    int x = 0;
    for (BufferedImage i : images) {
      g.drawImage(i, x, 0, null);
      x += i.getWidth() + gap;
    }
    g.dispose();
    return out;
  }

  /** Adds a caption strip above an image. */
  public static BufferedImage titled(BufferedImage image, String title) {
    int strip = 18;
    BufferedImage out =
        new BufferedImage(image.getWidth(), image.getHeight() + strip, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(title, 4, 13);
    g.drawImage(image, 0, strip, null);
    g.dispose();
    return out;
  }

  /** Places images one below the other on a white background with {@code gap} pixels between. */
  public static BufferedImage vstack(List<BufferedImage> images, int gap) {
    int h = gap * Math.max(0, images.size() - 1);
    int w = 0;
    for (BufferedImage i : images) {
      h += i.getHeight();
      w = Math.max(w, i.getWidth());
    }
    BufferedImage out =
        new BufferedImage(Math.max(1, w), Math.max(1, h), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    int y = 0;
    for (BufferedImage i : images) {
      g.drawImage(i, 0, y, null);
      y += i.getHeight() + gap;
    }
    g.dispose();
    return out;
  }

  /** Enlarges an image by an integer factor with nearest-neighbour sampling (masks stay crisp). */
  public static BufferedImage scale(BufferedImage image, int factor) {
    if (factor < 1) {
      throw new IllegalArgumentException("factor must be >= 1, got " + factor);
    }
    if (factor == 1) {
      return image;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    BufferedImage out = new BufferedImage(w * factor, h * factor, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h * factor; y++) {
      for (int x = 0; x < w * factor; x++) {
        out.setRGB(x, y, image.getRGB(x / factor, y / factor) & 0xFFFFFF);
      }
    }
    return out;
  }

  /**
   * One row of captioned panels: the image, then the image with each named mask blended over it
   * (ground truth, predictions of several models...), in the map's order. Every mask must have the
   * image's size; {@code factor} enlarges small images for viewing.
   */
  public static BufferedImage overlayRow(
      BufferedImage image, Map<String, int[]> masks, double opacity, int factor) {
    List<BufferedImage> panels = new java.util.ArrayList<>();
    panels.add(titled(scale(image, factor), "image"));
    for (Map.Entry<String, int[]> e : masks.entrySet()) {
      panels.add(titled(scale(overlay(image, e.getValue(), opacity), factor), e.getKey()));
    }
    return hstack(panels, 4);
  }

  /**
   * A grid of the first {@code maxChannels} channels of a feature map, one {@code cellSize}-pixel
   * tile per channel, each stretched to its own min..max (see {@link #featureGrid(float[], int,
   * int, int, int[], int)}). These grids are the bare tiles; {@link FeaturePanel} adds the input
   * image, a colour bar and the value ranges, and is what a reader should be shown.
   *
   * @param features C x H x W, or N x C x H x W (the first sample is drawn)
   */
  public static BufferedImage featureGrid(NDArray features, int maxChannels, int cellSize) {
    int[] chw = new int[3];
    float[] values = FeatureGrid.firstSample(features, chw);
    return FeatureGrid.render(
        values, chw[0], chw[1], chw[2], FeatureGrid.first(chw[0], maxChannels), cellSize);
  }

  /**
   * A grid of the given channels of a feature map; drawing the same channel indices of a student
   * and a teacher shows whether channel-wise distillation made them alike.
   *
   * @param features C x H x W, or N x C x H x W (the first sample is drawn)
   */
  public static BufferedImage featureGrid(NDArray features, int[] channels, int cellSize) {
    int[] chw = new int[3];
    float[] values = FeatureGrid.firstSample(features, chw);
    return FeatureGrid.render(values, chw[0], chw[1], chw[2], channels, cellSize);
  }

  /**
   * As {@link #featureGrid(NDArray, int[], int)} with at most {@code columns} tiles per row; one
   * row per model ({@code columns = channels.length}) lines up the same channels of several models.
   */
  public static BufferedImage featureGrid(
      NDArray features, int[] channels, int cellSize, int columns) {
    int[] chw = new int[3];
    float[] values = FeatureGrid.firstSample(features, chw);
    return FeatureGrid.render(values, chw[0], chw[1], chw[2], channels, cellSize, columns);
  }

  /** As {@link #featureGrid(NDArray, int, int)} on a row-major C x H x W array. */
  public static BufferedImage featureGrid(
      float[] chw, int channels, int height, int width, int maxChannels, int cellSize) {
    return FeatureGrid.render(
        chw, channels, height, width, FeatureGrid.first(channels, maxChannels), cellSize);
  }

  /**
   * A grid of the selected channels of a row-major C x H x W array: tiles in rows of ceil(sqrt(n)),
   * each captioned {@code c<index>}, each channel stretched from its minimum (dark blue) to its
   * maximum (yellow); a constant channel is drawn all dark.
   */
  public static BufferedImage featureGrid(
      float[] chw, int channels, int height, int width, int[] selected, int cellSize) {
    return FeatureGrid.render(chw, channels, height, width, selected, cellSize);
  }

  /**
   * The {@code k} channels with the largest mean absolute activation, strongest first (ties by
   * index): the channels worth drawing when a map has hundreds.
   *
   * @param features C x H x W, or N x C x H x W (the first sample is ranked)
   */
  public static int[] strongestChannels(NDArray features, int k) {
    int[] chw = new int[3];
    float[] values = FeatureGrid.firstSample(features, chw);
    return FeatureGrid.strongest(values, chw[0], chw[1], chw[2], k);
  }

  /** As {@link #strongestChannels(NDArray, int)} on a row-major C x H x W array. */
  public static int[] strongestChannels(float[] chw, int channels, int height, int width, int k) {
    return FeatureGrid.strongest(chw, channels, height, width, k);
  }
}
