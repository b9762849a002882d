package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 0/255 masks and {@code label_map}, every bad file in one pass, and the check's cache. */
class DataCheckTest {
  @TempDir Path root;

  private static final int[][] MASK = {{0, 255, 255}, {0, 0, 255}};

  private void mask(String name, int[][] values) throws IOException {
    TestFiles.solid(
        root.resolve("img/" + name + ".png"), values[0].length, values.length, 0x336699);
    TestFiles.greyPng(root.resolve("ann/" + name + ".png"), values);
  }

  private void list(String content) throws IOException {
    Files.writeString(root.resolve("train.txt"), content);
  }

  private ConfigMap cfg(String mode, Object... extra) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "Dataset");
    m.put("dataset_root", root.toString());
    m.put(mode + "_path", root.resolve("train.txt").toString());
    m.put("num_classes", 2);
    m.put("mode", mode);
    for (int i = 0; i < extra.length; i += 2) {
      m.put((String) extra[i], extra[i + 1]);
    }
    return new ConfigMap(m, "train_dataset", "cfg.yml");
  }

  @Test
  void zeroTwoFiftyFiveMasksAreRefusedWithTheFix() throws Exception {
    mask("a", MASK);
    mask("b", MASK);
    list("img/a.png ann/a.png\nimg/b.png ann/b.png\n");
    SegDataset ds = Datasets.build(cfg("train"), "train");
    ConfigException e = assertThrows(ConfigException.class, () -> Datasets.validate(ds));
    String m = e.getMessage();
    assertFalse(m.contains("\n"), m);
    assertTrue(m.contains("2 of 2 hold only 0 and 255"), m);
    assertTrue(m.contains(root.resolve("ann/a.png").toString()), m);
    assertTrue(m.contains("label_map: {255: 1}"), m);
  }

  @Test
  void labelMapTurns255IntoForegroundInTrainingAndEvaluation() throws Exception {
    mask("a", MASK);
    list("img/a.png ann/a.png\n");
    Map<Object, Object> map = Map.of(255, 1);
    for (String mode : new String[] {"train", "val"}) {
      SegDataset ds = Datasets.build(cfg(mode, "label_map", map), mode);
      assertEquals(1, Datasets.validate(ds));
      Sample s = ds.get(0, new Random(0));
      int ones = 0;
      for (int v : s.label) {
        assertTrue(v == 0 || v == 1, "label value " + v);
        ones += v;
      }
      assertEquals(3, ones, mode);
    }
  }

  @Test
  void labelMapIsValidated() throws Exception {
    mask("a", MASK);
    list("img/a.png ann/a.png\n");
    ConfigException bad =
        assertThrows(
            ConfigException.class,
            () -> Datasets.build(cfg("train", "label_map", Map.of(255, 5)), "train"));
    assertTrue(bad.getMessage().contains("train_dataset.label_map"), bad.getMessage());
    assertTrue(bad.getMessage().contains("255 maps to 5"), bad.getMessage());
    ConfigException notMap =
        assertThrows(
            ConfigException.class,
            () -> Datasets.build(cfg("train", "label_map", "255:1"), "train"));
    assertTrue(notMap.getMessage().contains("{255: 1}"), notMap.getMessage());
  }

  @Test
  void everyKindOfBadFileInOneRun() throws Exception {
    mask("good", new int[][] {{0, 1}, {1, 0}});
    mask("values", new int[][] {{0, 7}, {1, 0}});
    mask("size", new int[][] {{0, 1}, {1, 0}});
    TestFiles.greyPng(root.resolve("ann/size.png"), new int[][] {{0, 1, 1}});
    mask("broken", new int[][] {{0, 1}, {1, 0}});
    Files.writeString(root.resolve("img/broken.png"), "not an image");
    list(
        "img/good.png ann/good.png\nimg/gone.png ann/good.png\nimg/values.png ann/values.png\n"
            + "img/size.png ann/size.png\nimg/broken.png ann/broken.png\n");
    SegDataset ds = Datasets.build(cfg("train"), "train");
    String m = assertThrows(ConfigException.class, () -> Datasets.validate(ds)).getMessage();
    String[] lines = m.split("\n");
    assertEquals(5, lines.length, m);
    assertTrue(lines[0].startsWith("4 of 5 samples"), m);
    assertTrue(m.contains("missing image file: " + root.resolve("img/gone.png")), m);
    assertTrue(m.contains("values.png has label values [7]"), m);
    assertTrue(m.contains("size.png is 3x1"), m);
    assertTrue(m.contains("cannot decode image") && m.contains("broken.png"), m);
  }

  @Test
  void cacheSkipsUnchangedFilesAndRechecksChangedOnes() throws Exception {
    mask("a", new int[][] {{0, 1}, {1, 0}});
    list("img/a.png ann/a.png\n");
    Path cache = root.resolve("cache/check.tsv");
    SegDataset ds = Datasets.build(cfg("train"), "train");
    assertEquals(1, Datasets.validate(ds, cache));
    assertTrue(Files.readString(cache).contains(root.resolve("ann/a.png").toString()));
    // A cached pass is trusted only while size and mtime are unchanged: corrupt the label but
    // keep its stamp, and the cache answers; touch it, and the file is read again.
    Path label = root.resolve("ann/a.png");
    FileTime stamp = Files.getLastModifiedTime(label);
    byte[] original = Files.readAllBytes(label);
    byte[] garbage = new byte[original.length];
    Files.write(label, garbage);
    Files.setLastModifiedTime(label, stamp);
    assertEquals(1, Datasets.validate(ds, cache));
    Files.setLastModifiedTime(label, FileTime.fromMillis(stamp.toMillis() + 5000));
    String m = assertThrows(ConfigException.class, () -> Datasets.validate(ds, cache)).getMessage();
    assertTrue(m.contains("cannot decode label"), m);
  }

  @Test
  void corruptOrForeignCacheIsIgnored() throws Exception {
    mask("a", new int[][] {{0, 7}, {1, 0}});
    list("img/a.png ann/a.png\n");
    Path cache = root.resolve("check.tsv");
    SegDataset ds = Datasets.build(cfg("train"), "train");
    Files.writeString(cache, "garbage\n\u0000\u0001");
    assertThrows(ConfigException.class, () -> Datasets.validate(ds, cache));
    // A cache written under other settings (here num_classes 8) does not vouch for num_classes 2.
    SegDataset wide = Datasets.build(cfg("train", "num_classes", 8), "train");
    assertEquals(1, Datasets.validate(wide, cache));
    assertThrows(ConfigException.class, () -> Datasets.validate(ds, cache));
  }
}
