package org.distill4j.viz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Pictures of feature maps (C x H x W activations): one tile per channel, each stretched to its own
 * minimum..maximum and drawn in a dark-blue-to-yellow colour map, so the spatial pattern of every
 * channel is visible whatever its scale. Used through {@link Images#featureGrid}.
 */
final class FeatureGrid {
  /** Colour-map anchors from low to high activation (a viridis-like ramp). */
  private static final int[] RAMP = {0x440154, 0x3B528B, 0x21918C, 0x5EC962, 0xFDE725};

  private static final int CAPTION = 12;
  private static final int GAP = 2;

  private FeatureGrid() {}

  /** The features as one C x H x W float array: (C,H,W) as is, (N,C,H,W) its first sample. */
  static float[] firstSample(NDArray features, int[] chw) {
    Shape s = features.getShape();
    if (s.dimension() != 3 && s.dimension() != 4) {
      throw new IllegalArgumentException("expected C x H x W or N x C x H x W features, got " + s);
    }
    int offset = s.dimension() - 3;
    chw[0] = (int) s.get(offset);
    chw[1] = (int) s.get(offset + 1);
    chw[2] = (int) s.get(offset + 2);
    NDArray one = s.dimension() == 4 ? features.get(0) : features;
    return one.toType(DataType.FLOAT32, false).toFloatArray();
  }

  static BufferedImage render(
      float[] chw, int channels, int height, int width, int[] selected, int cellSize) {
    return render(
        chw,
        channels,
        height,
        width,
        selected,
        cellSize,
        (int) Math.ceil(Math.sqrt(selected.length)));
  }

  static BufferedImage render(
      float[] chw,
      int channels,
      int height,
      int width,
      int[] selected,
      int cellSize,
      int maxColumns) {
    checkSize(chw, channels, height, width);
    if (selected.length == 0) {
      throw new IllegalArgumentException("no channel selected");
    }
    if (cellSize < 1) {
      throw new IllegalArgumentException("cellSize must be >= 1, got " + cellSize);
    }
    if (maxColumns < 1) {
      throw new IllegalArgumentException("columns must be >= 1, got " + maxColumns);
    }
    int columns = Math.min(maxColumns, selected.length);
    int rows = (selected.length + columns - 1) / columns;
    int tileHeight = CAPTION + cellSize;
    BufferedImage out =
        new BufferedImage(
            columns * (cellSize + GAP) - GAP,
            rows * (tileHeight + GAP) - GAP,
            BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    for (int i = 0; i < selected.length; i++) {
      int c = selected[i];
      if (c < 0 || c >= channels) {
        throw new IllegalArgumentException(
            "channel " + c + " does not exist; the features have " + channels + " channels");
      }
      int x0 = (i % columns) * (cellSize + GAP);
      int y0 = (i / columns) * (tileHeight + GAP);
      g.setColor(Color.DARK_GRAY);
      g.drawString("c" + c, x0 + 1, y0 + CAPTION - 2);
      g.drawImage(tile(chw, c, height, width, cellSize), x0, y0 + CAPTION, null);
    }
    g.dispose();
    return out;
  }

  /** One channel stretched to min..max, coloured, enlarged to cellSize (nearest neighbour). */
  static BufferedImage tile(float[] chw, int channel, int height, int width, int cellSize) {
    float[] r = range(chw, channel, height, width);
    return tile(chw, channel, height, width, cellSize, cellSize, r[0], r[1]);
  }

  /** The minimum and maximum of one channel. */
  static float[] range(float[] chw, int channel, int height, int width) {
    int base = channel * height * width;
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < height * width; i++) {
      min = Math.min(min, chw[base + i]);
      max = Math.max(max, chw[base + i]);
    }
    return new float[] {min, max};
  }

  /**
   * One channel coloured on the range min..max (values outside are clamped), enlarged to tileWidth
   * x tileHeight by nearest neighbour.
   */
  static BufferedImage tile(
      float[] chw,
      int channel,
      int height,
      int width,
      int tileWidth,
      int tileHeight,
      double min,
      double max) {
    int base = channel * height * width;
    double range = max - min;
    BufferedImage tile = new BufferedImage(tileWidth, tileHeight, BufferedImage.TYPE_INT_RGB);
    for (int ty = 0; ty < tileHeight; ty++) {
      int y = ty * height / tileHeight;
      for (int tx = 0; tx < tileWidth; tx++) {
        int x = tx * width / tileWidth;
        float v = chw[base + y * width + x];
        // A constant channel carries no pattern: draw it at the bottom of the ramp.
        double t = range > 0 ? (v - min) / range : 0;
        tile.setRGB(tx, ty, color(t));
      }
    }
    return tile;
  }

  /** The colour-map colour of {@code t} in [0, 1]. */
  static int color(double t) {
    double clamped = Math.max(0, Math.min(1, t));
    double pos = clamped * (RAMP.length - 1);
    int i = Math.min(RAMP.length - 2, (int) Math.floor(pos));
    double f = pos - i;
    int a = RAMP[i];
    int b = RAMP[i + 1];
    int r = (int) Math.round(((a >> 16) & 255) * (1 - f) + ((b >> 16) & 255) * f);
    int gr = (int) Math.round(((a >> 8) & 255) * (1 - f) + ((b >> 8) & 255) * f);
    int bl = (int) Math.round((a & 255) * (1 - f) + (b & 255) * f);
    return (r << 16) | (gr << 8) | bl;
  }

  /** The {@code k} channels with the largest mean absolute activation, strongest first. */
  static int[] strongest(float[] chw, int channels, int height, int width, int k) {
    checkSize(chw, channels, height, width);
    double[] energy = new double[channels];
    int plane = height * width;
    for (int c = 0; c < channels; c++) {
      double sum = 0;
      for (int i = 0; i < plane; i++) {
        sum += Math.abs(chw[c * plane + i]);
      }
      energy[c] = sum / plane;
    }
    return IntStream.range(0, channels)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer c) -> -energy[c]).thenComparingInt(c -> c))
        .limit(Math.max(0, k))
        .mapToInt(Integer::intValue)
        .toArray();
  }

  static int[] first(int channels, int k) {
    return IntStream.range(0, Math.min(channels, Math.max(0, k))).toArray();
  }

  static void checkSize(float[] chw, int channels, int height, int width) {
    if (chw.length != channels * height * width) {
      throw new IllegalArgumentException(
          "features have "
              + chw.length
              + " values, "
              + channels
              + "x"
              + height
              + "x"
              + width
              + " needs "
              + channels * height * width);
    }
  }
}
