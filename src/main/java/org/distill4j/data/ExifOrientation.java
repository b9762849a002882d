package org.distill4j.data;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;

/**
 * The EXIF orientation tag of a JPEG (read with TwelveMonkeys' metadata reader) and its
 * application, as OpenCV's {@code imread(IMREAD_COLOR)} applies it before PaddleSeg sees the image.
 * Values 1-8 follow the EXIF/TIFF definition; 5-8 swap width and height.
 */
final class ExifOrientation {
  static final int NORMAL = 1;

  private ExifOrientation() {}

  /** The orientation tag of a JPEG file; 1 when there is none or the file is not a JPEG. */
  static int read(Path file) {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null || in.read() != 0xFF || in.read() != 0xD8) {
        return NORMAL;
      }
      in.seek(0);
      List<JPEGSegment> exif = JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif");
      if (exif.isEmpty()) {
        return NORMAL;
      }
      InputStream data = exif.get(0).data();
      // The identifier is "Exif" plus two NULs; data() skips the first, this skips the pad.
      data.read();
      Directory dir = new TIFFReader().read(ImageIO.createImageInputStream(data));
      Entry entry = dir.getEntryById(TIFF.TAG_ORIENTATION);
      if (entry == null || !(entry.getValue() instanceof Number n)) {
        return NORMAL;
      }
      int o = n.intValue();
      return o >= 1 && o <= 8 ? o : NORMAL;
    } catch (IOException | RuntimeException e) {
      // Unreadable metadata: OpenCV then decodes the image as stored, and so do we.
      return NORMAL;
    }
  }

  /** True for the orientations that rotate by 90 or 270 degrees (width and height swap). */
  static boolean swapsSides(int orientation) {
    return orientation >= 5 && orientation <= 8;
  }

  /** The image turned upright for {@code orientation}. */
  static BufferedImage apply(BufferedImage image, int orientation) {
    if (orientation == NORMAL) {
      return image;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    boolean swap = swapsSides(orientation);
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    WritableRaster src = image.getRaster();
    WritableRaster dst = src.createCompatibleWritableRaster(ow, oh);
    Object pixel = null;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        pixel = src.getDataElements(x, y, pixel);
        int[] t = target(orientation, x, y, w, h);
        dst.setDataElements(t[0], t[1], pixel);
      }
    }
    return new BufferedImage(image.getColorModel(), dst, image.isAlphaPremultiplied(), null);
  }

  /** Where stored pixel (x, y) of a w x h image lands in the upright image. */
  private static int[] target(int orientation, int x, int y, int w, int h) {
    return switch (orientation) {
      case 2 -> new int[] {w - 1 - x, y}; // mirrored horizontally
      case 3 -> new int[] {w - 1 - x, h - 1 - y}; // rotated 180
      case 4 -> new int[] {x, h - 1 - y}; // mirrored vertically
      case 5 -> new int[] {y, x}; // transposed
      case 6 -> new int[] {h - 1 - y, x}; // needs 90 clockwise
      case 7 -> new int[] {h - 1 - y, w - 1 - x}; // transversed
      case 8 -> new int[] {y, w - 1 - x}; // needs 90 counter-clockwise
      default -> new int[] {x, y};
    };
  }
}
