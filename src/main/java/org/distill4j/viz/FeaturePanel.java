package org.distill4j.viz;

import ai.djl.ndarray.NDArray;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A feature map made readable: the input image, then one large tile per selected channel (enlarged
 * by nearest neighbour, so each cell of the map stays a visible square), then a colour bar that
 * says what the colours mean. By default each tile is stretched to its own minimum..maximum (the
 * spatial pattern is what channel-wise distillation compares) and captioned with that range; with
 * {@link Builder#optSharedRange()} or {@link Builder#optRange(double, double)} every tile uses one
 * range, written on the colour bar, so magnitudes can be compared too.
 *
 * <pre>{@code
 * BufferedImage picture = FeaturePanel.builder()
 *     .setFeatures(taps.get("head.decoder.conv_bn_relu3"))
 *     .optChannels(Images.strongestChannels(teacherFeatures, 8))
 *     .optInput(val.imagePath(0))
 *     .optTitle("teacher: head.decoder.conv_bn_relu3")
 *     .build()
 *     .render();
 * }</pre>
 */
public final class FeaturePanel {
  /** Default tile size: large enough to see the pattern of a 1/4- or 1/8-scale map. */
  public static final int DEFAULT_CELL_SIZE = 96;

  static final int CAPTION = 14;
  static final int GAP = 4;
  static final int BAR_WIDTH = 14;
  private static final int TITLE = 18;
  static final int LABEL_WIDTH = 96;

  private final float[] chw;
  private final int channels;
  private final int height;
  private final int width;
  private final int[] selected;
  private final BufferedImage input;
  private final int cellSize;
  private final int columns;
  private final double[] fixedRange;
  private final boolean shared;
  private final String title;

  private FeaturePanel(Builder b) {
    this.chw = b.chw;
    this.channels = b.channels;
    this.height = b.height;
    this.width = b.width;
    this.selected =
        b.selected != null
            ? b.selected
            : FeatureGrid.strongest(b.chw, b.channels, b.height, b.width, 8);
    this.input = b.input;
    this.cellSize = b.cellSize;
    this.columns = b.columns > 0 ? b.columns : selected.length;
    this.fixedRange = b.fixedRange;
    this.shared = b.shared;
    this.title = b.title;
    if (selected.length == 0) {
      throw new IllegalArgumentException("no channel selected");
    }
    for (int c : selected) {
      if (c < 0 || c >= channels) {
        throw new IllegalArgumentException(
            "channel " + c + " does not exist; the features have " + channels + " channels");
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The range every tile is drawn on, or null when each tile uses its own. */
  double[] commonRange() {
    if (fixedRange != null) {
      return fixedRange.clone();
    }
    if (!shared) {
      return null;
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int c : selected) {
      float[] r = FeatureGrid.range(chw, c, height, width);
      min = Math.min(min, r[0]);
      max = Math.max(max, r[1]);
    }
    return new double[] {min, max};
  }

  /** Tile width and height: the longer side is {@code cellSize}, the map's aspect is kept. */
  int[] tileSize() {
    int longer = Math.max(height, width);
    return new int[] {
      Math.max(1, Math.round((float) cellSize * width / longer)),
      Math.max(1, Math.round((float) cellSize * height / longer))
    };
  }

  /** Draws the panel: title, input image, captioned tiles and colour bar. */
  public BufferedImage render() {
    double[] common = commonRange();
    int[] tile = tileSize();
    int cols = Math.min(columns, selected.length);
    int rows = (selected.length + cols - 1) / cols;
    int gridW = cols * (tile[0] + GAP) - GAP;
    int gridH = rows * (CAPTION + tile[1] + GAP) - GAP;
    BufferedImage inputTile = input == null ? null : inputTile(gridH - CAPTION);
    int inputW = inputTile == null ? 0 : inputTile.getWidth() + 2 * GAP;
    int top = title == null ? 0 : TITLE;
    int barX = inputW + gridW + 2 * GAP;
    BufferedImage out =
        new BufferedImage(barX + BAR_WIDTH + LABEL_WIDTH, top + gridH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.BLACK);
    if (title != null) {
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
      g.drawString(title, 2, 13);
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    if (inputTile != null) {
      g.drawString("input", 0, top + CAPTION - 3);
      g.drawImage(inputTile, 0, top + CAPTION, null);
    }
    for (int i = 0; i < selected.length; i++) {
      int c = selected[i];
      float[] own = FeatureGrid.range(chw, c, height, width);
      double min = common == null ? own[0] : common[0];
      double max = common == null ? own[1] : common[1];
      int x0 = inputW + (i % cols) * (tile[0] + GAP);
      int y0 = top + (i / cols) * (CAPTION + tile[1] + GAP);
      String caption =
          common == null ? "c" + c + "  " + number(own[0]) + ".." + number(own[1]) : "c" + c;
      g.setColor(Color.DARK_GRAY);
      g.drawString(caption, x0 + 1, y0 + CAPTION - 3);
      g.drawImage(
          FeatureGrid.tile(chw, c, height, width, tile[0], tile[1], min, max),
          x0,
          y0 + CAPTION,
          null);
    }
    drawColourBar(g, barX, top + CAPTION, Math.max(20, gridH - CAPTION), common);
    g.dispose();
    return out;
  }

  /** The input image scaled (smoothly) to {@code targetHeight}, its aspect kept. */
  private BufferedImage inputTile(int targetHeight) {
    int h = Math.max(1, targetHeight);
    int w = Math.max(1, Math.round((float) input.getWidth() * h / input.getHeight()));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(input, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  /** A vertical ramp, high values on top, labelled with the range (or "each map's" min/max). */
  private static void drawColourBar(Graphics2D g, int x, int y, int h, double[] common) {
    for (int i = 0; i < h; i++) {
      g.setColor(new Color(FeatureGrid.color(1.0 - (double) i / (h - 1))));
      g.drawLine(x, y + i, x + BAR_WIDTH - 1, y + i);
    }
    g.setColor(Color.BLACK);
    int tx = x + BAR_WIDTH + 3;
    if (common == null) {
      g.drawString("each map's max", tx, y + 9);
      g.drawString("each map's min", tx, y + h);
    } else {
      g.drawString(number(common[1]), tx, y + 9);
      g.drawString(number((common[0] + common[1]) / 2), tx, y + h / 2 + 4);
      g.drawString(number(common[0]), tx, y + h);
    }
  }

  /** Three significant digits: enough to read a range, short enough for a caption. */
  static String number(double v) {
    if (v == 0) {
      return "0";
    }
    return String.format(
        Locale.ROOT, Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? "%.2e" : "%.3g", v);
  }

  /** Builds a {@link FeaturePanel}. */
  public static final class Builder {
    private float[] chw;
    private int channels;
    private int height;
    private int width;
    private int[] selected;
    private BufferedImage input;
    private int cellSize = DEFAULT_CELL_SIZE;
    private int columns;
    private double[] fixedRange;
    private boolean shared;
    private String title;

    private Builder() {}

    /** The features: C x H x W, or N x C x H x W (the first sample is drawn). */
    public Builder setFeatures(NDArray features) {
      int[] dims = new int[3];
      float[] values = FeatureGrid.firstSample(features, dims);
      return setFeatures(values, dims[0], dims[1], dims[2]);
    }

    /** The features as a row-major C x H x W array. */
    public Builder setFeatures(float[] chw, int channels, int height, int width) {
      FeatureGrid.checkSize(chw, channels, height, width);
      this.chw = chw;
      this.channels = channels;
      this.height = height;
      this.width = width;
      return this;
    }

    /** The channels to draw, in order; default the 8 strongest (largest mean |activation|). */
    public Builder optChannels(int... channels) {
      this.selected = channels.clone();
      return this;
    }

    /** The image the features were computed from, drawn at the left at the tiles' height. */
    public Builder optInput(BufferedImage image) {
      this.input = image;
      return this;
    }

    /** As {@link #optInput(BufferedImage)} from an image file. */
    public Builder optInput(Path imageFile) {
      try {
        BufferedImage image = ImageIO.read(imageFile.toFile());
        if (image == null) {
          throw new IllegalArgumentException("cannot decode image " + imageFile);
        }
        return optInput(image);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read image " + imageFile, e);
      }
    }

    /** The longer side of each tile in pixels; default {@value #DEFAULT_CELL_SIZE}. */
    public Builder optCellSize(int cellSize) {
      if (cellSize < 1) {
        throw new IllegalArgumentException("cellSize must be >= 1, got " + cellSize);
      }
      this.cellSize = cellSize;
      return this;
    }

    /** Tiles per row; default all in one row. */
    public Builder optColumns(int columns) {
      if (columns < 1) {
        throw new IllegalArgumentException("columns must be >= 1, got " + columns);
      }
      this.columns = columns;
      return this;
    }

    /** One range for every tile: the minimum and maximum over the drawn channels. */
    public Builder optSharedRange() {
      this.shared = true;
      return this;
    }

    /**
     * One given range for every tile (values outside are clamped), e.g. the teacher's range for the
     * teacher's and the student's panels so their colours mean the same values.
     */
    public Builder optRange(double min, double max) {
      if (!(max > min)) {
        throw new IllegalArgumentException("range max must exceed min, got " + min + ".." + max);
      }
      this.fixedRange = new double[] {min, max};
      return this;
    }

    /** A caption above the panel, e.g. the model and the tap path. */
    public Builder optTitle(String title) {
      this.title = title;
      return this;
    }

    public FeaturePanel build() {
      if (chw == null) {
        throw new IllegalArgumentException("no features: call setFeatures first");
      }
      return new FeaturePanel(this);
    }
  }
}
