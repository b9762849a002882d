package org.distill4j.synthetic;

import java.awt.image.BufferedImage;

/**
 * One synthetic fundus image before it is written: the RGB image and its palette label (index 0
 * background, 1 optic disc).
 */
public final class FundusSample {
  /** File stem such as {@code N0007}. */
  public final String name;

  /** TYPE_3BYTE_BGR image. */
  public final BufferedImage image;

  /** TYPE_BYTE_INDEXED label whose pixel indices are class ids. */
  public final BufferedImage label;

  FundusSample(String name, BufferedImage image, BufferedImage label) {
    this.name = name;
    this.image = image;
    this.label = label;
  }
}
