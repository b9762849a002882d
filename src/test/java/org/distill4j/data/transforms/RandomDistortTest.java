package org.distill4j.data.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.distill4j.data.Seeds;
import org.junit.jupiter.api.Test;

/** PIL-compatible colour arithmetic, checked pixel by pixel against hand calculations. */
class RandomDistortTest {
  @Test
  void brightnessBlendsWithBlackAndTruncates() {
    int[] px = {200, 101, 3};
    PilEnhance.brightness(px, 0.5);
    assertArrayEquals(new int[] {100, 50, 1}, px);
    int[] bright = {200, 100, 0};
    PilEnhance.brightness(bright, 1.5);
    assertArrayEquals(new int[] {255, 150, 0}, bright);
  }

  @Test
  void contrastBlendsWithRoundedMeanLuma() {
    // Lumas 0 and 255 -> mean 127.5 -> int(127.5 + 0.5) = 128.
    int[] px = {0, 0, 0, 255, 255, 255};
    PilEnhance.contrast(px, 0.5);
    // 128 + .5 * (0 - 128) = 64; 128 + .5 * (255 - 128) = 191.5 -> 191
    assertArrayEquals(new int[] {64, 64, 64, 191, 191, 191}, px);
  }

  @Test
  void saturationBlendsWithLuma() {
    // PIL luma of pure red: (255 * 19595 + 32768) >> 16 = 76.
    assertEquals(76, PilEnhance.luma(255, 0, 0));
    int[] px = {255, 0, 0};
    PilEnhance.saturation(px, 0.0);
    assertArrayEquals(new int[] {76, 76, 76}, px);
    int[] more = {255, 0, 0};
    PilEnhance.saturation(more, 2.0);
    // 76 + 2 * (255 - 76) = 434 -> 255; 76 + 2 * (0 - 76) = -76 -> 0
    assertArrayEquals(new int[] {255, 0, 0}, more);
  }

  @Test
  void hueShiftsOnPilScaleAndWraps() {
    int[] hsv = new int[3];
    PilEnhance.rgbToHsv(255, 0, 0, hsv);
    assertArrayEquals(new int[] {0, 255, 255}, hsv);
    // +85 of 255 is a third of the circle: red -> green.
    int[] px = {255, 0, 0};
    PilEnhance.hue(px, 85.0);
    assertArrayEquals(new int[] {0, 255, 0}, px);
    // 0 + 300 wraps to 44: i = floor(44 * 6 / 255) = 1, f = 0.0353, q = round(255 * (1 - f)) = 246.
    int[] wrapped = {255, 0, 0};
    PilEnhance.hue(wrapped, 300.0);
    assertArrayEquals(new int[] {246, 255, 0}, wrapped);
    int[] grey = {90, 90, 90};
    PilEnhance.hue(grey, 40.0);
    assertArrayEquals(new int[] {90, 90, 90}, grey);
  }

  @Test
  void nothingFiresExceptTheUint8RoundTrip() {
    RandomDistort none =
        RandomDistort.builder()
            .optBrightness(0.5, 0)
            .optContrast(0.5, 0)
            .optSaturation(0.5, 0)
            .optHue(18, 0)
            .optSharpness(0.5, 0)
            .build();
    SegImage img = new SegImage(new float[] {12.7f, -3f, 300f}, 1, 1, 3);
    none.apply(img, new Random(1));
    assertArrayEquals(new float[] {12f, 0f, 255f}, img.data, 0f);
  }

  @Test
  void brightnessFactorStaysInRangeAndFiresWithItsProbability() {
    RandomDistort onlyBrightness =
        RandomDistort.builder()
            .optBrightness(0.5, 0.5)
            .optContrast(0.5, 0)
            .optSaturation(0.5, 0)
            .optHue(18, 0)
            .build();
    int unchanged = 0;
    float min = 255;
    float max = 0;
    int trials = 400;
    for (long seed = 0; seed < trials; seed++) {
      SegImage img = new SegImage(new float[] {100, 100, 100}, 1, 1, 3);
      onlyBrightness.apply(img, new Random(Seeds.mix(seed)));
      float v = img.data[0];
      assertTrue(v >= 50 && v <= 150, "factor within [0.5, 1.5]: " + v);
      if (v == 100) {
        unchanged++;
      }
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertTrue(unchanged > trials * 0.4 && unchanged < trials * 0.6, "about half: " + unchanged);
    assertTrue(min < 60 && max > 140, "range explored: " + min + ".." + max);
  }

  @Test
  void sameSeedSameResult() {
    RandomDistort d = RandomDistort.builder().optSharpness(0.5, 0.5).build();
    float[] base = new float[4 * 4 * 3];
    for (int i = 0; i < base.length; i++) {
      base[i] = (i * 37) % 256;
    }
    SegImage a = new SegImage(base.clone(), 4, 4, 3);
    SegImage b = new SegImage(base.clone(), 4, 4, 3);
    d.apply(a, new Random(42));
    d.apply(b, new Random(42));
    assertArrayEquals(a.data, b.data, 0f);
  }
}
