package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.distill4j.config.ConfigMap;
import org.distill4j.data.transforms.Normalize;
import org.distill4j.data.transforms.RandomHorizontalFlip;
import org.distill4j.data.transforms.RandomPaddingCrop;
import org.distill4j.data.transforms.RandomVerticalFlip;
import org.distill4j.data.transforms.Resize;
import org.distill4j.data.transforms.Transform;
import org.distill4j.data.transforms.Transforms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing the fixed pipelines a random pipeline can act as (what a teacher cache precomputes). */
class TransformOutcomesTest {
  @TempDir Path dir;

  static Compose tutorialTrain() {
    return new Compose(
        List.of(new Resize(6, 4), new RandomHorizontalFlip(), new Normalize()), "train");
  }

  @Test
  void tutorialTransformsHaveTwoOutcomes() {
    List<Compose> outcomes = tutorialTrain().outcomes().orElseThrow();
    assertEquals(2, outcomes.size());
    assertEquals(3, outcomes.get(0).transforms().size());
    assertEquals("train", outcomes.get(0).mode());
  }

  @Test
  void outcomesMultiplyAndCertainFlipsHaveOne() {
    Compose two =
        new Compose(List.of(new RandomHorizontalFlip(), new RandomVerticalFlip(0.3)), "train");
    assertEquals(4, two.outcomes().orElseThrow().size());
    assertEquals(
        1, new Compose(List.of(new RandomHorizontalFlip(1)), "train").outcomes().get().size());
    assertEquals(
        1, new Compose(List.of(new RandomHorizontalFlip(0)), "train").outcomes().get().size());
    assertEquals(1, new Compose(List.of(), "train").outcomes().get().size());
  }

  @Test
  void unlimitedRandomTransformHasNoList() {
    Transform jitter = Transforms.registry().build(ConfigMap.of("type", "RandomDistort"));
    Compose distort = new Compose(List.of(new Resize(6, 4), jitter), "train");
    assertFalse(distort.outcomes().isPresent());
    assertFalse(new RandomPaddingCrop(4, 4).outcomes().isPresent());
  }

  /**
   * Every input the random pipeline produces over many seeds is one of the listed ones, and back.
   */
  @Test
  void randomResultsAreExactlyTheListedOutcomes() throws Exception {
    Path img =
        TestFiles.rgbPng(
            dir.resolve("a.png"),
            new int[][] {{0x102030, 0x405060, 0x708090}, {0xA0B0C0, 0xD0E0F0, 0x010203}});
    Compose random = tutorialTrain();
    List<float[]> listed = new ArrayList<>();
    for (Compose fixed : random.outcomes().orElseThrow()) {
      listed.add(fixed.load(img, null, new Random(0)).image);
    }
    assertFalse(Arrays.equals(listed.get(0), listed.get(1)), "flipped differs from unflipped");
    boolean[] produced = new boolean[listed.size()];
    Random rng = new Random(7);
    for (int draw = 0; draw < 40; draw++) {
      float[] x = random.load(img, null, rng).image;
      int match = -1;
      for (int i = 0; i < listed.size(); i++) {
        if (Arrays.equals(x, listed.get(i))) {
          match = i;
        }
      }
      assertTrue(match >= 0, "draw " + draw + " gave an input not in the list");
      produced[match] = true;
    }
    assertArrayEquals(new boolean[] {true, true}, produced);
  }
}
