package org.distill4j.notebook;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * Turns an object into a mime bundle the way IJava's renderer does: {@code text/plain} is always
 * present; images ({@link RenderedImage}, so every BufferedImage) are encoded as PNG by default and
 * as JPEG or GIF on request; character sequences can be shown as any text mime type.
 */
final class MimeRenderer {
  static final String TEXT_PLAIN = "text/plain";
  static final String IMAGE_PNG = "image/png";
  private static final Map<String, String> IMAGE_FORMATS =
      Map.of(IMAGE_PNG, "png", "image/jpeg", "jpeg", "image/gif", "gif");
  private static final Set<String> TEXT_TYPES =
      Set.of(
          TEXT_PLAIN,
          "text/html",
          "text/markdown",
          "text/latex",
          "text/css",
          "application/javascript",
          "image/svg+xml",
          "application/json");

  private MimeRenderer() {}

  /**
   * The bundle of {@code value}; with no {@code mimeTypes} the object's preferred types, otherwise
   * text/plain plus exactly the requested ones.
   *
   * @throws IllegalArgumentException when a requested type cannot be produced for this object
   */
  static Map<String, String> render(Object value, String... mimeTypes) {
    if (value instanceof DisplayData data && mimeTypes.length == 0) {
      return data.data();
    }
    Map<String, String> bundle = new LinkedHashMap<>();
    List<String> requested = Arrays.asList(mimeTypes);
    if (value instanceof RenderedImage image) {
      for (String mime : requested.isEmpty() ? List.of(IMAGE_PNG) : requested) {
        if (!mime.equals(TEXT_PLAIN)) {
          bundle.put(mime, encodeImage(image, mime));
        }
      }
      bundle.put(TEXT_PLAIN, describeImage(image));
      return bundle;
    }
    String text = String.valueOf(value);
    for (String mime : requested) {
      if (!(value instanceof CharSequence) || !TEXT_TYPES.contains(mime)) {
        throw new IllegalArgumentException(
            "cannot render a "
                + (value == null ? "null" : value.getClass().getName())
                + " as "
                + mime
                + "; images support "
                + IMAGE_FORMATS.keySet()
                + ", strings support "
                + TEXT_TYPES
                + ", anything else only text/plain");
      }
      bundle.put(mime, text);
    }
    bundle.put(TEXT_PLAIN, text);
    return bundle;
  }

  /**
   * A stable description of an image. IJava shows {@code String.valueOf(image)}, which contains an
   * identity hash code that changes on every run and would make committed notebooks differ.
   */
  private static String describeImage(RenderedImage image) {
    return image.getClass().getSimpleName() + " " + image.getWidth() + "x" + image.getHeight();
  }

  private static String encodeImage(RenderedImage image, String mime) {
    String format = IMAGE_FORMATS.get(mime);
    if (format == null) {
      throw new IllegalArgumentException(
          "cannot render an image as " + mime + "; supported: " + IMAGE_FORMATS.keySet());
    }
    RenderedImage toWrite = format.equals("png") ? image : withoutAlpha(image);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(toWrite, format, bytes)) {
        throw new IllegalArgumentException("no " + format + " encoder for this image");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /** JPEG and GIF writers reject images with alpha; draw onto an opaque RGB canvas first. */
  private static RenderedImage withoutAlpha(RenderedImage image) {
    if (image instanceof BufferedImage buffered && !buffered.getColorModel().hasAlpha()) {
      return image;
    }
    BufferedImage rgb =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = rgb.createGraphics();
    try {
      graphics.drawRenderedImage(image, new java.awt.geom.AffineTransform());
    } finally {
      graphics.dispose();
    }
    return rgb;
  }
}
