package org.distill4j.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Feature-map grids and the layout helpers the notebooks' panels are made of. */
class FeatureGridTest {
  private static final int CAPTION = 12;
  private static final int GAP = 2;
  private static final int DARK = 0x440154;
  private static final int BRIGHT = 0xFDE725;

  private static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xFFFFFF;
  }

  @Test
  void eachChannelIsStretchedFromItsMinimumToItsMaximum() {
    // Two 2x2 channels on very different scales; both must span the whole colour ramp.
    float[] chw = {0, 1, 2, 3, -100, -100, 50, 200};
    BufferedImage grid = Images.featureGrid(chw, 2, 2, 2, new int[] {0, 1}, 2);
    // Two tiles side by side (ceil(sqrt(2)) = 2 columns), each a caption strip over a 2x2 tile.
    assertEquals(2 * 2 + GAP, grid.getWidth());
    assertEquals(CAPTION + 2, grid.getHeight());
    assertEquals(DARK, rgb(grid, 0, CAPTION), "channel 0 minimum (0) is the darkest colour");
    assertEquals(BRIGHT, rgb(grid, 1, CAPTION + 1), "channel 0 maximum (3) is the brightest");
    int x1 = 2 + GAP;
    assertEquals(DARK, rgb(grid, x1, CAPTION));
    assertEquals(DARK, rgb(grid, x1 + 1, CAPTION));
    assertEquals(BRIGHT, rgb(grid, x1 + 1, CAPTION + 1));
    // 50 lies at (50 + 100) / 300 = 0.5 of channel 1's range: the ramp's middle anchor.
    assertEquals(0x21918C, rgb(grid, x1, CAPTION + 1));
  }

  @Test
  void tilesAreEnlargedByNearestNeighbourAndConstantChannelsDrawnDark() {
    float[] chw = {0, 1, 7, 7};
    BufferedImage grid = Images.featureGrid(chw, 2, 1, 2, new int[] {0, 1}, 4);
    // Channel 0 is 1x2: the left half of its 4x4 tile is the minimum, the right half the maximum.
    for (int y = CAPTION; y < CAPTION + 4; y++) {
      assertEquals(DARK, rgb(grid, 1, y));
      assertEquals(BRIGHT, rgb(grid, 2, y));
    }
    int x1 = 4 + GAP;
    for (int x = x1; x < x1 + 4; x++) {
      assertEquals(DARK, rgb(grid, x, CAPTION + 3), "a constant channel has no pattern");
    }
  }

  @Test
  void gridHasCeilSqrtColumnsAndTheFirstChannelsByDefault() {
    float[] chw = new float[7 * 3 * 3];
    BufferedImage grid = Images.featureGrid(chw, 7, 3, 3, 5, 10);
    int columns = 3; // ceil(sqrt(5))
    int rows = 2;
    assertEquals(columns * (10 + GAP) - GAP, grid.getWidth());
    assertEquals(rows * (CAPTION + 10 + GAP) - GAP, grid.getHeight());
    assertThrows(
        IllegalArgumentException.class,
        () -> Images.featureGrid(chw, 7, 3, 3, new int[] {7}, 10),
        "channel 7 of 7 does not exist");
    assertThrows(
        IllegalArgumentException.class, () -> Images.featureGrid(chw, 7, 3, 4, 5, 10), "size");
  }

  @Test
  void explicitColumnsLayTheSelectedChannelsOutInRows() {
    float[] chw = {0, 1, 5, 5, 2, 3};
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray features = manager.create(chw, new Shape(3, 1, 2));
      BufferedImage row = Images.featureGrid(features, new int[] {2, 0, 1}, 4, 3);
      assertEquals(3 * 4 + 2 * GAP, row.getWidth(), "all three tiles in one row");
      assertEquals(CAPTION + 4, row.getHeight());
      // The first tile is channel 2 (2 -> dark, 3 -> bright), the third is constant channel 1.
      assertEquals(DARK, rgb(row, 0, CAPTION));
      assertEquals(BRIGHT, rgb(row, 3, CAPTION));
      assertEquals(DARK, rgb(row, 2 * (4 + GAP) + 3, CAPTION));
      BufferedImage column = Images.featureGrid(features, new int[] {2, 0, 1}, 4, 1);
      assertEquals(4, column.getWidth());
      assertEquals(3 * (CAPTION + 4 + GAP) - GAP, column.getHeight());
      assertThrows(
          IllegalArgumentException.class, () -> Images.featureGrid(features, new int[] {0}, 4, 0));
    }
  }

  @Test
  void strongestChannelsRankByMeanAbsoluteActivation() {
    // Mean |x| per 1x2 channel: c0 = 1, c1 = 3, c2 = 0.5, c3 = 3 (tie with c1, lower index first).
    float[] chw = {1, -1, 2, -4, 0.5f, -0.5f, 3, 3};
    assertArrayEquals(new int[] {1, 3, 0}, Images.strongestChannels(chw, 4, 1, 2, 3));
    assertArrayEquals(new int[] {1, 3, 0, 2}, Images.strongestChannels(chw, 4, 1, 2, 10));
  }

  @Test
  void ndArrayFeaturesDrawTheirFirstSampleLikeTheFloatArray() {
    float[] first = {0, 1, 2, 3, 4, 5, 6, 8};
    float[] second = {9, 9, 9, 9, 0, 0, 0, 0};
    float[] both = new float[16];
    System.arraycopy(first, 0, both, 0, 8);
    System.arraycopy(second, 0, both, 8, 8);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray batch = manager.create(both, new Shape(2, 2, 2, 2));
      BufferedImage fromArray = Images.featureGrid(batch, 2, 3);
      BufferedImage expected = Images.featureGrid(first, 2, 2, 2, 2, 3);
      assertEquals(expected.getWidth(), fromArray.getWidth());
      for (int y = CAPTION; y < expected.getHeight(); y++) {
        for (int x = 0; x < expected.getWidth(); x++) {
          assertEquals(rgb(expected, x, y), rgb(fromArray, x, y), "pixel " + x + "," + y);
        }
      }
      assertArrayEquals(new int[] {1}, Images.strongestChannels(batch, 1));
      assertThrows(
          IllegalArgumentException.class,
          () -> Images.featureGrid(manager.zeros(new Shape(4, 4)), 1, 3));
    }
  }

  @Test
  void vstackScaleAndOverlayRowLayOutPanels() {
    BufferedImage a = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    BufferedImage b = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
    b.setRGB(4, 0, 0x102030);
    BufferedImage stacked = Images.vstack(List.of(a, b), 1);
    assertEquals(5, stacked.getWidth());
    assertEquals(2 + 1 + 4, stacked.getHeight());
    assertEquals(0x102030, rgb(stacked, 4, 3));
    assertEquals(0xFFFFFF, rgb(stacked, 4, 0), "background beside the narrower image");

    BufferedImage scaled = Images.scale(b, 3);
    assertEquals(15, scaled.getWidth());
    assertEquals(0x102030, rgb(scaled, 14, 2));
    assertEquals(0, rgb(scaled, 11, 0));

    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    Map<String, int[]> masks = new LinkedHashMap<>();
    masks.put("truth", new int[] {0, 1});
    masks.put("model", new int[] {1, 1});
    BufferedImage row = Images.overlayRow(image, masks, 1.0, 2);
    int panel = 2 * 2;
    assertEquals(3 * panel + 2 * 4, row.getWidth(), "three panels with 4-pixel gaps");
    int strip = 18;
    int truthX = panel + 4;
    assertEquals(0, rgb(row, truthX, strip), "truth: background pixel unchanged");
    assertEquals(Images.classColor(1), rgb(row, truthX + 2, strip), "truth: disc at opacity 1");
    assertEquals(Images.classColor(1), rgb(row, 2 * (panel + 4), strip), "model: disc");
  }
}
