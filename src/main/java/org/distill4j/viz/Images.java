package org.distill4j.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.util.List;

/** Image helpers: class-mask colouring, overlays and panel layout. */
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
}
