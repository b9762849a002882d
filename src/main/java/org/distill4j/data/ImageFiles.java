package org.distill4j.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.distill4j.data.transforms.SegImage;
import org.distill4j.errors.DataException;

/** Reads images and label maps from disk, turning every decoding problem into a clear error. */
final class ImageFiles {
  private ImageFiles() {}

  /** A decoded label map. */
  record Label(int[] values, int height, int width) {}

  static BufferedImage decode(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new DataException(what + " file not found: " + file);
    }
    BufferedImage image;
    try {
      image = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new DataException("cannot decode " + what + " " + file + ": " + e.getMessage(), e);
    }
    if (image == null) {
      throw new DataException(
          "cannot decode " + what + " " + file + ": not a JPEG, PNG, BMP or GIF image");
    }
    return image;
  }

  /** A decoded image turned upright, with the EXIF orientation tag that was applied (1: none). */
  record Upright(BufferedImage image, int orientation) {}

  /** Decodes an image and applies its EXIF orientation, as OpenCV's {@code imread} does. */
  static Upright decodeImage(Path file) {
    BufferedImage stored = decode(file, "image");
    int orientation = ExifOrientation.read(file);
    return new Upright(ExifOrientation.apply(stored, orientation), orientation);
  }

  /** The image as HWC RGB float, upright, grey expanded to 3 channels, alpha dropped. */
  static SegImage readImage(Path file) {
    return SegImage.fromBufferedImage(decodeImage(file).image());
  }

  /** A note for size messages about an image whose EXIF tag turned it by 90 degrees. */
  static String orientationNote(int orientation) {
    if (!ExifOrientation.swapsSides(orientation)) {
      return "";
    }
    return " (after applying the image's EXIF orientation tag "
        + orientation
        + ", which turns it by 90 degrees as OpenCV's imread does; re-save the image upright"
        + " or rotate its label to match)";
  }

  /**
   * The label's class indices: the palette index of a palette PNG, the value of a single-channel
   * image. Colour labels are rejected, since their colours are not class indices.
   */
  static Label readLabel(Path file) {
    BufferedImage image = decode(file, "label");
    Raster raster = image.getRaster();
    boolean palette = image.getColorModel() instanceof IndexColorModel;
    if (!palette && raster.getNumBands() != 1) {
      throw new DataException(
          "label "
              + file
              + " has "
              + raster.getNumBands()
              + " channels; labels must be single-channel (greyscale) or palette PNGs whose"
              + " pixel values are class indices");
    }
    int h = image.getHeight();
    int w = image.getWidth();
    int[] values = new int[h * w];
    raster.getSamples(0, 0, w, h, 0, values);
    return new Label(values, h, w);
  }
}
