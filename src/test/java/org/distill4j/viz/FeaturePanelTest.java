package org.distill4j.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Feature panels: large nearest-neighbour tiles, the input image beside them, a colour bar. */
class FeaturePanelTest {
  private static final int DARK = 0x440154;
  private static final int BRIGHT = 0xFDE725;
  private static final int RED = 0xFF0000;

  /** Channel 0 is a 2x2 ramp 0,1,2,3; channel 1 spans -100..200. */
  private static final float[] CHW = {0, 1, 2, 3, -100, -100, 50, 200};

  private static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xFFFFFF;
  }

  private static BufferedImage red(int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, RED);
      }
    }
    return image;
  }

  @Test
  void tilesAreAtLeast96PixelsAndEnlargedByNearestNeighbour() {
    BufferedImage panel =
        FeaturePanel.builder().setFeatures(CHW, 2, 2, 2).optChannels(0, 1).build().render();
    int size = FeaturePanel.DEFAULT_CELL_SIZE;
    assertTrue(size >= 96);
    int y0 = FeaturePanel.CAPTION;
    assertEquals(y0 + size, panel.getHeight(), "one row of tiles under their captions");
    // Each map cell is a 48-pixel square of one colour: minimum dark, maximum bright.
    assertEquals(DARK, rgb(panel, 0, y0));
    assertEquals(DARK, rgb(panel, size / 2 - 1, y0 + size / 2 - 1));
    assertNotEquals(DARK, rgb(panel, size / 2, y0));
    assertEquals(BRIGHT, rgb(panel, size - 1, y0 + size - 1));
    int x1 = size + FeaturePanel.GAP;
    assertEquals(BRIGHT, rgb(panel, x1 + size - 1, y0 + size - 1), "each map on its own range");
  }

  @Test
  void theColourBarRunsFromTheTopColourDownAndIsLabelled() {
    BufferedImage panel =
        FeaturePanel.builder().setFeatures(CHW, 2, 2, 2).optSharedRange().build().render();
    int barX = panel.getWidth() - FeaturePanel.LABEL_WIDTH - FeaturePanel.BAR_WIDTH;
    int top = FeaturePanel.CAPTION;
    assertEquals(BRIGHT, rgb(panel, barX + 2, top), "maximum at the top");
    assertEquals(DARK, rgb(panel, barX + 2, panel.getHeight() - 1), "minimum at the bottom");
    int text = 0;
    for (int y = 0; y < panel.getHeight(); y++) {
      for (int x = barX + FeaturePanel.BAR_WIDTH + 1; x < panel.getWidth(); x++) {
        text += rgb(panel, x, y) != 0xFFFFFF ? 1 : 0;
      }
    }
    assertTrue(text > 20, "the range is written beside the bar");
  }

  @Test
  void aSharedOrGivenRangeColoursEveryTileOnTheSameScale() {
    FeaturePanel shared =
        FeaturePanel.builder().setFeatures(CHW, 2, 2, 2).optChannels(0, 1).optSharedRange().build();
    assertArrayEquals(new double[] {-100, 200}, shared.commonRange());
    BufferedImage image = shared.render();
    // On -100..200, channel 0's 0 and 3 sit a third of the way up the ramp, not at its ends.
    int y0 = FeaturePanel.CAPTION;
    assertEquals(FeatureGrid.color(100.0 / 300), rgb(image, 0, y0));
    assertEquals(FeatureGrid.color(103.0 / 300), rgb(image, 95, y0 + 95));
    assertNull(FeaturePanel.builder().setFeatures(CHW, 2, 2, 2).build().commonRange());
    FeaturePanel given =
        FeaturePanel.builder().setFeatures(CHW, 2, 2, 2).optChannels(0).optRange(0, 2).build();
    BufferedImage clamped = given.render();
    assertEquals(BRIGHT, rgb(clamped, 95, y0 + 95), "3 is above the range: clamped to the top");
    assertEquals(BRIGHT, rgb(clamped, 0, y0 + 95), "2 is the top of the range");
    assertEquals("0.988", FeaturePanel.number(0.98765));
    assertEquals("-150", FeaturePanel.number(-150.2));
    assertThrows(
        IllegalArgumentException.class,
        () -> FeaturePanel.builder().setFeatures(CHW, 2, 2, 2).optRange(1, 1));
  }

  @Test
  void theInputImageIsDrawnBesideTheMaps() {
    BufferedImage panel =
        FeaturePanel.builder()
            .setFeatures(CHW, 2, 2, 2)
            .optChannels(0)
            .optInput(red(20, 10))
            .optTitle("teacher")
            .build()
            .render();
    int top = 18 + FeaturePanel.CAPTION;
    // The 20x10 input is scaled to the tile height, 96, keeping its aspect: 192 wide.
    assertEquals(RED, rgb(panel, 5, top + 5));
    assertEquals(RED, rgb(panel, 191, top + 95));
    int tileX = 192 + 2 * FeaturePanel.GAP;
    assertEquals(DARK, rgb(panel, tileX, top), "the tile starts after the input");
    assertEquals(BRIGHT, rgb(panel, tileX + 95, top + 95));
  }

  @Test
  void ndArraysDefaultToTheStrongestChannelsAndMistakesAreRefused() {
    try (NDManager manager = NDManager.newBaseManager()) {
      FeaturePanel panel =
          FeaturePanel.builder().setFeatures(manager.create(CHW, new Shape(1, 2, 2, 2))).build();
      // Channel 1 has the larger mean |activation|: it is drawn first.
      BufferedImage image = panel.render();
      int y0 = FeaturePanel.CAPTION;
      assertEquals(DARK, rgb(image, 0, y0));
      assertEquals(DARK, rgb(image, 95, y0), "channel 1's top row is its minimum, -100");
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> FeaturePanel.builder().setFeatures(CHW, 2, 2, 2).optChannels(2).build());
    assertThrows(
        IllegalArgumentException.class, () -> FeaturePanel.builder().setFeatures(CHW, 3, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> FeaturePanel.builder().build());
  }
}
