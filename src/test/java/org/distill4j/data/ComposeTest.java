package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.data.transforms.Padding;
import org.distill4j.errors.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading files, label handling per mode, and the errors for bad files. */
class ComposeTest {
  @TempDir Path dir;

  private static final int RED = 0xFF0000;
  private static final int GREEN = 0x00FF00;
  private static final int BLUE = 0x0000FF;
  private static final int GREY = 0x102030;

  @Test
  void readsRgbInRgbOrderAsChw() throws Exception {
    Path img =
        TestFiles.rgbPng(dir.resolve("a.png"), new int[][] {{RED, GREEN, BLUE}, {GREY, 0, 0}});
    Sample s = new Compose(List.of(), "train").load(img, null, new Random(0));
    assertEquals(3, s.channels);
    assertEquals(2, s.height);
    assertEquals(3, s.width);
    int hw = 6;
    // R plane, then G plane, then B plane.
    assertArrayEquals(new float[] {255, 0, 0, 0x10, 0, 0}, slice(s.image, 0, hw), 0f);
    assertArrayEquals(new float[] {0, 255, 0, 0x20, 0, 0}, slice(s.image, hw, hw), 0f);
    assertArrayEquals(new float[] {0, 0, 255, 0x30, 0, 0}, slice(s.image, 2 * hw, hw), 0f);
    assertNull(s.label);
    assertEquals(2, s.originalHeight);
    assertEquals(3, s.originalWidth);
  }

  @Test
  void greyImageIsExpandedWithoutGammaChange() throws Exception {
    Path img = TestFiles.greyPng(dir.resolve("g.png"), new int[][] {{0, 50, 200}});
    Sample s = new Compose(List.of(), "train").load(img, null, new Random(0));
    for (int c = 0; c < 3; c++) {
      assertArrayEquals(new float[] {0, 50, 200}, slice(s.image, c * 3, 3), 0f);
    }
  }

  @Test
  void paletteLabelGivesRawIndicesAndGreyLabelGivesValues() throws Exception {
    Path img = TestFiles.solid(dir.resolve("i.png"), 3, 1, GREY);
    Path palette = TestFiles.palettePng(dir.resolve("p.png"), new int[][] {{0, 1, 255}});
    Path grey = TestFiles.greyPng(dir.resolve("l.png"), new int[][] {{2, 0, 1}});
    Compose c = new Compose(List.of(), "train");
    assertArrayEquals(new int[] {0, 1, 255}, c.load(img, palette, new Random(0)).label);
    assertArrayEquals(new int[] {2, 0, 1}, c.load(img, grey, new Random(0)).label);
  }

  @Test
  void rgbLabelIsRejected() throws Exception {
    Path img = TestFiles.solid(dir.resolve("i.png"), 2, 2, GREY);
    Path label = TestFiles.rgbPng(dir.resolve("colour_label.png"), new int[][] {{RED, 0}, {0, 0}});
    DataException e =
        assertThrows(
            DataException.class,
            () -> new Compose(List.of(), "train").load(img, label, new Random(0)));
    assertTrue(e.getMessage().contains("colour_label.png"), e.getMessage());
    assertTrue(e.getMessage().contains("single-channel"), e.getMessage());
    assertTrue(e.getMessage().contains("palette"), e.getMessage());
  }

  @Test
  void undecodableImageNamesTheFile() throws Exception {
    Path bad = Files.writeString(dir.resolve("broken.jpg"), "not an image");
    DataException e =
        assertThrows(
            DataException.class,
            () -> new Compose(List.of(), "train").load(bad, null, new Random(0)));
    assertTrue(e.getMessage().contains("broken.jpg"), e.getMessage());
    assertTrue(e.getMessage().contains("cannot decode"), e.getMessage());
  }

  @Test
  void sizeMismatchNamesBothSizesAndFiles() throws Exception {
    Path img = TestFiles.solid(dir.resolve("img.png"), 4, 3, GREY);
    Path label = TestFiles.greyPng(dir.resolve("lab.png"), TestFiles.filled(2, 4, 0));
    DataException e =
        assertThrows(
            DataException.class,
            () -> new Compose(List.of(), "train").load(img, label, new Random(0)));
    String m = e.getMessage();
    assertTrue(m.contains("img.png") && m.contains("lab.png"), m);
    assertTrue(m.contains("4x3") && m.contains("4x2"), m);
  }

  @Test
  void trainModeResizesLabelButValModeKeepsItsFileSize() throws Exception {
    Path img = TestFiles.solid(dir.resolve("i.png"), 3, 2, GREY);
    Path label = TestFiles.palettePng(dir.resolve("l.png"), new int[][] {{0, 1, 1}, {1, 0, 0}});
    List<ConfigMap> cfg =
        List.of(
            ConfigMap.of("type", "Resize", "target_size", List.of(6, 4)),
            ConfigMap.of("type", "Normalize"));
    Sample train = Compose.fromConfig(cfg, "train").load(img, label, new Random(0));
    assertEquals(4, train.height);
    assertEquals(6, train.width);
    assertEquals(4, train.labelHeight);
    assertEquals(6, train.labelWidth);
    // nearest rows floor(y/2), cols floor(x/2)
    assertArrayEquals(
        new int[] {0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0},
        train.label);
    assertEquals((0x10 / 255f - 0.5f) / 0.5f, train.image[0], 1e-6f);

    Sample val = Compose.fromConfig(cfg, "val").load(img, label, new Random(0));
    assertEquals(4, val.height);
    assertEquals(6, val.width);
    assertEquals(2, val.labelHeight);
    assertEquals(3, val.labelWidth);
    assertArrayEquals(new int[] {0, 1, 1, 1, 0, 0}, val.label);
    assertEquals(2, val.originalHeight);
    assertEquals(3, val.originalWidth);
  }

  @Test
  void transformErrorsNameTheImage() throws Exception {
    Path img = TestFiles.solid(dir.resolve("big.png"), 8, 8, GREY);
    Compose c = new Compose(List.of(new Padding(4, 4)), "train");
    ConfigException e = assertThrows(ConfigException.class, () -> c.load(img, null, new Random(0)));
    assertTrue(e.getMessage().contains("big.png"), e.getMessage());
    assertTrue(e.getMessage().contains("larger than target_size"), e.getMessage());
  }

  private static float[] slice(float[] a, int from, int n) {
    float[] out = new float[n];
    System.arraycopy(a, from, out, 0, n);
    return out;
  }
}
