package org.distill4j.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.distill4j.data.Datasets;
import org.distill4j.data.OpticDiscSeg;
import org.distill4j.data.Sample;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layout, determinism and difficulty of the synthetic optic-disc set. */
class SyntheticFundusGeneratorTest {
  @TempDir static Path dir;
  static Path first;

  private static SyntheticFundusGenerator small(long seed) {
    return SyntheticFundusGenerator.builder()
        .optTrain(6)
        .optVal(3)
        .optTest(2)
        .optSeed(seed)
        .build();
  }

  @BeforeAll
  static void generateOnce() {
    first = dir.resolve("a");
    small(0).generate(first);
  }

  @Test
  void writesOpticDiscSegLayout() throws IOException {
    assertEquals(
        List.of(6, 3, 2),
        List.of(lines("train_list.txt"), lines("val_list.txt"), lines("test_list.txt")));
    Set<String> names = new HashSet<>();
    Set<Character> prefixes = new HashSet<>();
    for (String list : List.of("train_list.txt", "val_list.txt", "test_list.txt")) {
      for (String line : Files.readAllLines(first.resolve(list))) {
        assertTrue(
            line.matches("JPEGImages/([HNP]\\d{4})\\.jpg Annotations/\\1\\.png"), "line: " + line);
        String name = line.substring(11, 16);
        names.add(name);
        prefixes.add(name.charAt(0));
        assertTrue(Files.isRegularFile(first.resolve("JPEGImages/" + name + ".jpg")));
        assertTrue(Files.isRegularFile(first.resolve("Annotations/" + name + ".png")));
      }
    }
    assertEquals(11, names.size(), "unique names");
    assertTrue(prefixes.size() >= 2, "mixed prefixes: " + prefixes);
    try (Stream<Path> jpgs = Files.list(first.resolve("JPEGImages"))) {
      assertEquals(11, jpgs.count());
    }
    BufferedImage img = ImageIO.read(first.resolve("JPEGImages").toFile().listFiles()[0]);
    assertEquals(256, img.getWidth());
    assertEquals(224, img.getHeight());
  }

  private static int lines(String name) throws IOException {
    return Files.readAllLines(first.resolve(name)).size();
  }

  @Test
  void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
    Path again = dir.resolve("again");
    small(0).generate(again);
    Path other = dir.resolve("other");
    small(1).generate(other);
    try (Stream<Path> files = Files.walk(first)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path rel = first.relativize(f);
        assertArrayEquals(
            Files.readAllBytes(f), Files.readAllBytes(again.resolve(rel)), rel.toString());
      }
    }
    String firstImage = Files.readAllLines(first.resolve("train_list.txt")).get(0).split(" ")[0];
    String otherImage = Files.readAllLines(other.resolve("train_list.txt")).get(0).split(" ")[0];
    assertFalse(
        firstImage.equals(otherImage)
            && java.util.Arrays.equals(
                Files.readAllBytes(first.resolve(firstImage)),
                Files.readAllBytes(other.resolve(otherImage))),
        "a different seed gives a different first image");
  }

  @Test
  void labelsArePalettePngsWithValuesZeroOneAndPlausibleDiscArea() throws IOException {
    try (Stream<Path> pngs = Files.list(first.resolve("Annotations"))) {
      for (Path png : pngs.toList()) {
        BufferedImage label = ImageIO.read(png.toFile());
        assertTrue(label.getColorModel() instanceof IndexColorModel, "palette PNG " + png);
        IndexColorModel palette = (IndexColorModel) label.getColorModel();
        assertEquals(0x000000, palette.getRGB(0) & 0xFFFFFF);
        assertEquals(0x800000, palette.getRGB(1) & 0xFFFFFF);
        int[] values = label.getRaster().getSamples(0, 0, 256, 224, 0, (int[]) null);
        int disc = 0;
        for (int v : values) {
          assertTrue(v == 0 || v == 1, "value " + v + " in " + png);
          disc += v;
        }
        double fraction = disc / (double) values.length;
        // Disc radius 6-14% of the field diameter on a 256x224 image: about 1% to 6% of pixels.
        assertTrue(fraction > 0.005 && fraction < 0.08, png + " disc fraction " + fraction);
      }
    }
  }

  @Test
  void readableThroughOpticDiscSegInAllModes() {
    for (String mode : List.of("train", "val", "test")) {
      OpticDiscSeg ds = OpticDiscSeg.builder().optRoot(first).optMode(mode).build();
      assertEquals(Datasets.validate(ds), ds.size());
      Sample s = ds.get(0, new Random(0));
      assertEquals(224 * 256, s.label.length);
    }
  }

  /**
   * The disc must be findable only from context: the best brightness threshold per image, chosen
   * with knowledge of the label, should still fall well short of the label on average, and one
   * threshold for all images should do worse. The disc must nevertheless be brighter than the rest
   * of the image on average, or there would be nothing to learn.
   */
  @Test
  void brightnessThresholdAloneDoesNotSegmentTheDisc() {
    SyntheticFundusGenerator gen = SyntheticFundusGenerator.builder().optSeed(5).build();
    int images = 12;
    long[] pooledInter = new long[256];
    long[] pooledPred = new long[256];
    long pooledLabel = 0;
    double sumBest = 0;
    for (int i = 0; i < images; i++) {
      FundusSample s = gen.render(i);
      int[] inDisc = new int[256];
      int[] outside = new int[256];
      int labelled = 0;
      double discLuma = 0;
      double restLuma = 0;
      for (int y = 0; y < 224; y++) {
        for (int x = 0; x < 256; x++) {
          int rgb = s.image.getRGB(x, y);
          int luma =
              (((rgb >> 16) & 255) * 299 + ((rgb >> 8) & 255) * 587 + (rgb & 255) * 114) / 1000;
          if (s.label.getRaster().getSample(x, y, 0) == 1) {
            inDisc[luma]++;
            labelled++;
            discLuma += luma;
          } else {
            outside[luma]++;
            restLuma += luma;
          }
        }
      }
      assertTrue(
          discLuma / labelled > 1.2 * restLuma / (256 * 224 - labelled),
          s.name + " disc is bright");
      double best = 0;
      long hit = 0;
      long falseHit = 0;
      for (int t = 255; t >= 0; t--) {
        hit += inDisc[t];
        falseHit += outside[t];
        best = Math.max(best, hit / (double) (labelled + falseHit));
        pooledInter[t] += hit;
        pooledPred[t] += hit + falseHit;
      }
      pooledLabel += labelled;
      sumBest += best;
    }
    double pooledBest = 0;
    for (int t = 0; t < 256; t++) {
      pooledBest =
          Math.max(
              pooledBest, pooledInter[t] / (double) (pooledLabel + pooledPred[t] - pooledInter[t]));
    }
    double meanBest = sumBest / images;
    assertTrue(meanBest < 0.9, "mean per-image best threshold IoU " + meanBest);
    assertTrue(pooledBest < 0.85, "single-threshold IoU " + pooledBest);
    assertTrue(meanBest > 0.3, "but the disc is not invisible: " + meanBest);
  }
}
