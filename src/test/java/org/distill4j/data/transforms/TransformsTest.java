package org.distill4j.data.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.data.Seeds;
import org.junit.jupiter.api.Test;

/** Transforms against values worked out by hand from the OpenCV / PaddleSeg formulas. */
class TransformsTest {
  private static final float EPS = 1e-5f;

  /** A one-channel image from rows of values. */
  private static SegImage grey(float[][] rows) {
    int h = rows.length;
    int w = rows[0].length;
    float[] data = new float[h * w];
    for (int y = 0; y < h; y++) {
      System.arraycopy(rows[y], 0, data, y * w, w);
    }
    return new SegImage(data, h, w, 1);
  }

  private static float[][] rowsOf(SegImage img) {
    float[][] out = new float[img.height][img.width];
    for (int y = 0; y < img.height; y++) {
      for (int x = 0; x < img.width; x++) {
        out[y][x] = img.get(y, x, 0);
      }
    }
    return out;
  }

  @Test
  void bilinearUpscale2x2To4x4MatchesOpenCvHalfPixelFormula() {
    // src x = (dx + 0.5) * 0.5 - 0.5 -> -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1),
    // so the weights along each axis are (1,0), (.75,.25), (.25,.75), (0,1).
    SegImage img = grey(new float[][] {{0, 4}, {8, 12}});
    new Resize(4, 4).apply(img, new Random(0));
    float[][] expected = {
      {0, 1, 3, 4},
      {2, 3, 5, 6},
      {6, 7, 9, 10},
      {8, 9, 11, 12}
    };
    float[][] got = rowsOf(img);
    for (int y = 0; y < 4; y++) {
      assertArrayEquals(expected[y], got[y], EPS, "row " + y);
    }
  }

  @Test
  void bilinearNonIntegerScalesMatchHandValues() {
    // 3 -> 2: src x = 0.25 and 1.75 -> 0*.75 + 10*.25 = 2.5, 10*.25 + 20*.75 = 17.5.
    SegImage down = grey(new float[][] {{0, 10, 20}});
    new Resize(2, 1).apply(down, new Random(0));
    assertArrayEquals(new float[] {2.5f, 17.5f}, rowsOf(down)[0], EPS);
    // 2 -> 3: src x = -1/6 (clamped), 0.5, 7/6 (clamped) -> 0, 5, 10.
    SegImage up = grey(new float[][] {{0, 10}});
    new Resize(3, 1).apply(up, new Random(0));
    assertArrayEquals(new float[] {0f, 5f, 10f}, rowsOf(up)[0], EPS);
  }

  @Test
  void bilinearKeepsChannelsApart() {
    // Two pixels, three channels each; channel c of pixel x is 100 * c + 10 * x.
    float[] data = {0, 100, 200, 10, 110, 210};
    SegImage img = new SegImage(data, 1, 2, 3);
    new Resize(4, 1).apply(img, new Random(0));
    float[] weightsOfSecond = {0f, 0.25f, 0.75f, 1f};
    for (int x = 0; x < 4; x++) {
      for (int c = 0; c < 3; c++) {
        assertEquals(100 * c + 10 * weightsOfSecond[x], img.get(0, x, c), EPS);
      }
    }
  }

  @Test
  void labelUsesNearestWithFloorOfScaledIndex() {
    SegImage img = new SegImage(new float[4], 2, 2, 1, new int[] {1, 2, 3, 4}, 2, 2);
    new Resize(4, 4).apply(img, new Random(0));
    assertArrayEquals(
        new int[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, img.label, "2x2 -> 4x4");
    // 5 -> 3 columns: floor(d * 5/3) = 0, 1, 3.
    SegImage wide = new SegImage(new float[5], 1, 5, 1, new int[] {10, 11, 12, 13, 14}, 1, 5);
    new Resize(3, 1).apply(wide, new Random(0));
    assertArrayEquals(new int[] {10, 11, 13}, wide.label);
    assertEquals(3, wide.labelWidth);
  }

  @Test
  void nearestInterpForImage() {
    SegImage img = grey(new float[][] {{1, 2, 3, 4}});
    new Resize(3, 1, Resize.Interp.NEAREST).apply(img, new Random(0));
    // floor(d * 4/3) = 0, 1, 2
    assertArrayEquals(new float[] {1, 2, 3}, rowsOf(img)[0], 0f);
  }

  @Test
  void horizontalFlipMirrorsImageAndLabelWhenDrawBelowProb() {
    SegImage img =
        new SegImage(new float[] {1, 2, 3, 4, 5, 6}, 2, 3, 1, new int[] {0, 1, 2, 3, 4, 5}, 2, 3);
    new RandomHorizontalFlip(1.0).apply(img, new Random(0));
    assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, img.data, 0f);
    assertArrayEquals(new int[] {2, 1, 0, 5, 4, 3}, img.label);
    new RandomHorizontalFlip(0.0).apply(img, new Random(0));
    assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, img.data, 0f);
  }

  @Test
  void horizontalFlipFollowsTheRandomDraw() {
    for (long seed = 0; seed < 20; seed++) {
      boolean expectFlip = new Random(Seeds.mix(seed)).nextDouble() < 0.5;
      SegImage img = new SegImage(new float[] {1, 2}, 1, 2, 1);
      new RandomHorizontalFlip().apply(img, new Random(Seeds.mix(seed)));
      assertEquals(expectFlip ? 2f : 1f, img.data[0], "seed " + seed);
    }
  }

  @Test
  void verticalFlipMirrorsRows() {
    SegImage img = new SegImage(new float[] {1, 2, 3, 4}, 2, 2, 1, new int[] {0, 1, 2, 3}, 2, 2);
    new RandomVerticalFlip(1.0).apply(img, new Random(0));
    assertArrayEquals(new float[] {3, 4, 1, 2}, img.data, 0f);
    assertArrayEquals(new int[] {2, 3, 0, 1}, img.label);
  }

  @Test
  void normalizeMapsToMinusOneOne() {
    SegImage img = new SegImage(new float[] {0, 255, 51}, 1, 1, 3);
    new Normalize().apply(img, new Random(0));
    // (0/255 - .5)/.5 = -1, (1 - .5)/.5 = 1, (.2 - .5)/.5 = -0.6
    assertArrayEquals(new float[] {-1f, 1f, -0.6f}, img.data, EPS);
    SegImage custom = new SegImage(new float[] {255, 255, 255}, 1, 1, 3);
    new Normalize(new float[] {0.1f, 0.2f, 0.3f}, new float[] {0.5f, 0.25f, 2f})
        .apply(custom, new Random(0));
    assertArrayEquals(new float[] {1.8f, 3.2f, 0.35f}, custom.data, EPS);
  }

  @Test
  void paddingAddsBottomRightWithPadValues() {
    // 2 rows x 3 cols, one channel, padded to target [w=4, h=3].
    SegImage img =
        new SegImage(new float[] {1, 2, 3, 4, 5, 6}, 2, 3, 1, new int[] {0, 1, 0, 1, 0, 1}, 2, 3);
    new Padding(4, 3).apply(img, new Random(0));
    float p = 127.5f;
    assertArrayEquals(new float[] {1, 2, 3, p, 4, 5, 6, p, p, p, p, p}, img.data, 0f);
    assertArrayEquals(new int[] {0, 1, 0, 255, 1, 0, 1, 255, 255, 255, 255, 255}, img.label);
    assertEquals(3, img.height);
    assertEquals(4, img.width);
  }

  @Test
  void paddingRejectsLargerImage() {
    SegImage img = new SegImage(new float[6], 2, 3, 1);
    ConfigException e =
        assertThrows(ConfigException.class, () -> new Padding(2, 4).apply(img, new Random(0)));
    assertTrue(e.getMessage().contains("3x2"), e.getMessage());
    assertTrue(e.getMessage().contains("[2, 4]"), e.getMessage());
  }

  @Test
  void paddingCropPadsSmallImageThenCropsAtOffsetZero() {
    SegImage img = new SegImage(new float[] {1, 2, 3, 4}, 2, 2, 1, new int[] {1, 1, 0, 0}, 2, 2);
    new RandomPaddingCrop(3, 3, new float[] {9, 9, 9}, 255).apply(img, new Random(7));
    assertArrayEquals(new float[] {1, 2, 9, 3, 4, 9, 9, 9, 9}, img.data, 0f);
    assertArrayEquals(new int[] {1, 1, 255, 0, 0, 255, 255, 255, 255}, img.label);
  }

  @Test
  void paddingCropTakesWindowAtRandomOffsetsWithinBounds() {
    int h = 6;
    int w = 5;
    Set<String> seen = new HashSet<>();
    for (long seed = 0; seed < 200; seed++) {
      float[] data = new float[h * w];
      int[] label = new int[h * w];
      for (int i = 0; i < h * w; i++) {
        data[i] = (i / w) * 100 + (i % w);
        label[i] = i;
      }
      SegImage img = new SegImage(data, h, w, 1, label, h, w);
      new RandomPaddingCrop(2, 3).apply(img, new Random(Seeds.mix(seed)));
      Random expected = new Random(Seeds.mix(seed));
      int top = expected.nextInt(h - 3 + 1);
      int left = expected.nextInt(w - 2 + 1);
      assertEquals(3, img.height);
      assertEquals(2, img.width);
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 2; x++) {
          assertEquals((top + y) * 100 + left + x, img.get(y, x, 0), 0f);
          assertEquals((top + y) * w + left + x, img.label[y * 2 + x]);
        }
      }
      seen.add(top + "," + left);
    }
    assertEquals(4 * 4, seen.size(), "every offset top 0..3, left 0..3 occurs: " + seen);
  }

  @Test
  void stepScalingDrawsFromLinspace() {
    ResizeStepScaling def = new ResizeStepScaling();
    assertArrayEquals(new double[] {0.75, 1.0, 1.25}, def.candidates(), 1e-12);
    assertArrayEquals(
        new double[] {0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0},
        new ResizeStepScaling(0.5, 2.0, 0.25).candidates(),
        1e-12);
    Set<Integer> widths = new HashSet<>();
    for (long seed = 0; seed < 100; seed++) {
      SegImage img = new SegImage(new float[8 * 8], 8, 8, 1, new int[64], 8, 8);
      def.apply(img, new Random(Seeds.mix(seed)));
      widths.add(img.width);
      assertEquals(img.width, img.height);
      assertEquals(img.width, img.labelWidth);
    }
    assertEquals(Set.of(6, 8, 10), widths);
  }

  @Test
  void stepScalingRoundsHalfToEvenLikePython() {
    // 0.75 * 6 = 4.5 -> 4 under round-half-even; 0.75 * 10 = 7.5 -> 8.
    ResizeStepScaling fixed = new ResizeStepScaling(0.75, 0.75, 0.25);
    assertFalse(fixed.isRandom());
    SegImage img = new SegImage(new float[10 * 6], 10, 6, 1);
    fixed.apply(img, new Random(0));
    assertEquals(4, img.width);
    assertEquals(8, img.height);
  }

  @Test
  void stepScalingZeroStepIsContinuous() {
    ResizeStepScaling cont = new ResizeStepScaling(0.5, 1.5, 0);
    Set<Integer> widths = new HashSet<>();
    for (long seed = 0; seed < 200; seed++) {
      SegImage img = new SegImage(new float[100], 1, 100, 1);
      cont.apply(img, new Random(Seeds.mix(seed)));
      assertTrue(img.width >= 50 && img.width <= 150, "width " + img.width);
      widths.add(img.width);
    }
    assertTrue(widths.size() > 50, "many distinct sizes: " + widths.size());
  }

  @Test
  void registryHasAllTypesAndReadsDefaults() {
    assertTrue(
        Transforms.registry()
            .types()
            .containsAll(
                List.of(
                    "Resize",
                    "RandomHorizontalFlip",
                    "Normalize",
                    "ResizeStepScaling",
                    "RandomPaddingCrop",
                    "RandomDistort",
                    "Padding")));
    Transform resize = Transforms.registry().build(ConfigMap.of("type", "Resize"));
    assertEquals("Resize(target_size=[512, 512], interp=LINEAR)", resize.toString());
    Transform sized =
        Transforms.registry().build(ConfigMap.of("type", "Resize", "target_size", List.of(64, 32)));
    SegImage img = new SegImage(new float[4], 2, 2, 1);
    sized.apply(img, new Random(0));
    assertEquals(64, img.width, "target_size is [w, h]");
    assertEquals(32, img.height);
    assertTrue(Transforms.registry().build(ConfigMap.of("type", "RandomDistort")).isRandom());
    assertFalse(Transforms.registry().build(ConfigMap.of("type", "Normalize")).isRandom());
  }

  @Test
  void configErrorsNameTheKeyAndTheValidRange() {
    assertConfigError(ConfigMap.of("type", "RandomHorizontalFlip", "prob", 1.5), "prob", "[0, 1]");
    assertConfigError(
        ConfigMap.of("type", "Resize", "target_size", List.of(0, 5)), "target_size", "positive");
    assertConfigError(ConfigMap.of("type", "Resize", "interp", "CUBIC"), "interp", "LINEAR");
    assertConfigError(
        ConfigMap.of("type", "RandomHorizontalFlip", "probb", 0.5), "probb", "did you mean 'prob'");
    assertConfigError(ConfigMap.of("type", "Padding"), "target_size", "missing");
    assertConfigError(
        ConfigMap.of("type", "ResizeStepScaling", "min_scale_factor", 2.0),
        "max_scale_factor",
        ">= min_scale_factor");
    assertConfigError(
        ConfigMap.of("type", "Normalize", "std", List.of(0.5, 0, 0.5)), "std", "must not");
    assertConfigError(
        ConfigMap.of("type", "RandomDistort", "hue_prob", -0.1), "hue_prob", "[0, 1]");
    assertConfigError(
        ConfigMap.of("type", "RandomPaddingCrop", "im_padding_value", List.of(1, 2)),
        "im_padding_value",
        "3 numbers");
    assertConfigError(ConfigMap.of("type", "Resise"), "type", "did you mean 'Resize'");
  }

  private static void assertConfigError(ConfigMap cfg, String key, String fragment) {
    ConfigException e = assertThrows(ConfigException.class, () -> Transforms.registry().build(cfg));
    assertTrue(e.getMessage().contains(key), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
