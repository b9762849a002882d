package org.distill4j.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A prediction drawn against the truth: every pixel coloured by the kind of answer it is, so a
 * reader sees at once where a model misses the disc and where it sees one that is not there, plus
 * the legend that says which colour is which.
 */
final class ErrorOverlay {
  /** Foreground predicted where the truth has that same class. */
  static final int TRUE_POSITIVE = 0x00E000;

  /** Foreground predicted where the truth is background. */
  static final int FALSE_POSITIVE = 0xFF00FF;

  /** Background predicted where the truth is foreground. */
  static final int FALSE_NEGATIVE = 0x00E5FF;

  /** One foreground class predicted where the truth has another (only with several classes). */
  static final int WRONG_CLASS = 0xFFD700;

  static final int LEGEND_HEIGHT = 22;
  private static final int SWATCH = 14;

  private ErrorOverlay() {}

  /**
   * The image with each pixel's kind of answer blended over it; background predicted on background
   * and pixels the truth ignores (255) keep the image's colour.
   */
  static BufferedImage draw(BufferedImage image, int[] truth, int[] prediction, double opacity) {
    int w = image.getWidth();
    int h = image.getHeight();
    if (truth.length != w * h || prediction.length != w * h) {
      throw new IllegalArgumentException(
          "truth has "
              + truth.length
              + " and prediction "
              + prediction.length
              + " pixels, image "
              + w
              + "x"
              + h
              + " has "
              + (w * h));
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = image.getRGB(x, y) & 0xFFFFFF;
        int kind = kind(truth[y * w + x], prediction[y * w + x]);
        out.setRGB(x, y, kind < 0 ? rgb : blend(rgb, kind, opacity));
      }
    }
    return out;
  }

  /** The colour of one pixel's answer, or -1 when it is left uncoloured. */
  static int kind(int truth, int predicted) {
    if (truth == 255 || (truth == 0 && predicted == 0)) {
      return -1;
    }
    if (truth == 0) {
      return FALSE_POSITIVE;
    }
    if (predicted == 0) {
      return FALSE_NEGATIVE;
    }
    return truth == predicted ? TRUE_POSITIVE : WRONG_CLASS;
  }

  /** True when some pixel has one foreground class predicted as another. */
  static boolean anyWrongClass(int[] truth, int[] prediction) {
    for (int i = 0; i < truth.length; i++) {
      if (kind(truth[i], prediction[i]) == WRONG_CLASS) {
        return true;
      }
    }
    return false;
  }

  /** A white strip of {@code width} naming each colour, with a swatch of the pure colour. */
  static BufferedImage legend(int width, boolean wrongClass) {
    List<Object[]> entries = new ArrayList<>();
    entries.add(new Object[] {TRUE_POSITIVE, "true positive"});
    entries.add(new Object[] {FALSE_POSITIVE, "false positive (not in truth)"});
    entries.add(new Object[] {FALSE_NEGATIVE, "false negative (missed)"});
    if (wrongClass) {
      entries.add(new Object[] {WRONG_CLASS, "wrong class"});
    }
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D measure = probe.createGraphics();
    int needed = 4;
    for (Object[] e : entries) {
      needed += SWATCH + 4 + measure.getFontMetrics(font).stringWidth((String) e[1]) + 14;
    }
    measure.dispose();
    BufferedImage out =
        new BufferedImage(Math.max(width, needed), LEGEND_HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(font);
    int x = 4;
    int top = (LEGEND_HEIGHT - SWATCH) / 2;
    for (Object[] e : entries) {
      g.setColor(new Color((Integer) e[0]));
      g.fillRect(x, top, SWATCH, SWATCH);
      g.setColor(Color.BLACK);
      x += SWATCH + 4;
      g.drawString((String) e[1], x, top + SWATCH - 2);
      x += g.getFontMetrics().stringWidth((String) e[1]) + 14;
    }
    g.dispose();
    return out;
  }

  private static int blend(int a, int b, double t) {
    int r = (int) Math.round(((a >> 16) & 255) * (1 - t) + ((b >> 16) & 255) * t);
    int g = (int) Math.round(((a >> 8) & 255) * (1 - t) + ((b >> 8) & 255) * t);
    int bl = (int) Math.round((a & 255) * (1 - t) + (b & 255) * t);
    return (r << 16) | (g << 8) | bl;
  }
}
