package org.distill4j.data;

/**
 * One loaded and transformed sample: the image as CHW float32 and, when there is one, its label as
 * row-major class indices (255 = ignore). In training mode the label has been transformed with the
 * image; in val and test mode it keeps the size of the label file, as PaddleSeg evaluates against
 * the original-resolution label.
 */
public final class Sample {
  /** Image after transforms, channels-first: {@code image[(c * height + y) * width + x]}. */
  public final float[] image;

  public final int channels;
  public final int height;
  public final int width;

  /** Class index per pixel, {@code label[y * labelWidth + x]}; null when there is no label. */
  public final int[] label;

  public final int labelHeight;
  public final int labelWidth;

  /** The image file this sample came from (or a caller-chosen name for in-memory images). */
  public final String imagePath;

  /** Size of the image file before any transform. */
  public final int originalHeight;

  public final int originalWidth;

  public Sample(
      float[] image,
      int channels,
      int height,
      int width,
      int[] label,
      int labelHeight,
      int labelWidth,
      String imagePath,
      int originalHeight,
      int originalWidth) {
    if (image.length != channels * height * width) {
      throw new IllegalArgumentException(
          "image has " + image.length + " values, expected " + channels * height * width);
    }
    if (label != null && label.length != labelHeight * labelWidth) {
      throw new IllegalArgumentException(
          "label has " + label.length + " values, expected " + labelHeight * labelWidth);
    }
    this.image = image;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.label = label;
    this.labelHeight = label == null ? 0 : labelHeight;
    this.labelWidth = label == null ? 0 : labelWidth;
    this.imagePath = imagePath;
    this.originalHeight = originalHeight;
    this.originalWidth = originalWidth;
  }

  public boolean hasLabel() {
    return label != null;
  }

  @Override
  public String toString() {
    return "Sample["
        + imagePath
        + " "
        + channels
        + "x"
        + height
        + "x"
        + width
        + (label == null ? "" : " label " + labelHeight + "x" + labelWidth)
        + "]";
  }
}
