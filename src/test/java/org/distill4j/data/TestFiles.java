package org.distill4j.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.distill4j.synthetic.SyntheticFundusGenerator;

/** Writes tiny images and label maps for the data tests. */
final class TestFiles {
  private TestFiles() {}

  /** An RGB PNG whose pixel (x, y) is {@code rgb[y][x]} as 0xRRGGBB. */
  static Path rgbPng(Path file, int[][] rgb) throws IOException {
    int h = rgb.length;
    int w = rgb[0].length;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb[y][x]);
      }
    }
    return write(img, "png", file);
  }

  /** A solid RGB image of the given size, as PNG or JPEG depending on the file name. */
  static Path solid(Path file, int w, int h, int rgb) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    return write(img, file.toString().endsWith(".png") ? "png" : "jpeg", file);
  }

  /** An 8-bit greyscale PNG. */
  static Path greyPng(Path file, int[][] values) throws IOException {
    int h = values.length;
    int w = values[0].length;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, values[y][x]);
      }
    }
    return write(img, "png", file);
  }

  /** A palette PNG whose indices are {@code values}; index 1 is dark red as in VOC colour maps. */
  static Path palettePng(Path file, int[][] values) throws IOException {
    int h = values.length;
    int w = values[0].length;
    IndexColorModel palette = SyntheticFundusGenerator.palette();
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, palette);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, values[y][x]);
      }
    }
    return write(img, "png", file);
  }

  static int[][] filled(int h, int w, int value) {
    int[][] out = new int[h][w];
    for (int[] row : out) {
      java.util.Arrays.fill(row, value);
    }
    return out;
  }

  private static Path write(BufferedImage img, String format, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (!ImageIO.write(img, format, file.toFile())) {
      throw new IOException("no writer for " + format);
    }
    return file;
  }
}
