package org.distill4j.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImagesTest {
  @Test
  void overlayBlendsOnlyForegroundPixels() {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0x646464);
    img.setRGB(1, 0, 0x646464);
    BufferedImage out = Images.overlay(img, new int[] {0, 1}, 0.5);
    assertEquals(0x646464, out.getRGB(0, 0) & 0xFFFFFF);
    int c = Images.classColor(1);
    int expectedR = (int) Math.round(100 * 0.5 + ((c >> 16) & 255) * 0.5);
    assertEquals(expectedR, (out.getRGB(1, 0) >> 16) & 255);
    assertThrows(IllegalArgumentException.class, () -> Images.overlay(img, new int[] {0}, 0.5));
  }

  @Test
  void indexedMaskRoundTripsClassIndicesThroughPng() throws Exception {
    int[] mask = {0, 1, 2, 255, 1, 0};
    BufferedImage png = Images.indexedMask(mask, 2, 3);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(png, "png", bytes);
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
    for (int i = 0; i < mask.length; i++) {
      assertEquals(mask[i], back.getRaster().getSample(i % 3, i / 3, 0));
    }
  }

  @Test
  void hstackPlacesImagesSideBySide() {
    BufferedImage a = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    BufferedImage b = new BufferedImage(4, 5, BufferedImage.TYPE_INT_RGB);
    b.setRGB(0, 0, 0x123456);
    BufferedImage out = Images.hstack(List.of(a, b), 2);
    assertEquals(3 + 2 + 4, out.getWidth());
    assertEquals(5, out.getHeight());
    assertEquals(0x123456, out.getRGB(5, 0) & 0xFFFFFF);
    assertEquals(0xFFFFFF, out.getRGB(0, 4) & 0xFFFFFF);
  }
}
