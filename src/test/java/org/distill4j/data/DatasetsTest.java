package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** List-file parsing, the dataset registry, missing-file reports and whole-dataset validation. */
class DatasetsTest {
  @TempDir Path root;

  private void sample(String name, int w, int h, int[][] label) throws IOException {
    TestFiles.solid(root.resolve("img/" + name + ".png"), w, h, 0x804020);
    TestFiles.palettePng(root.resolve("ann/" + name + ".png"), label);
  }

  private void twoByTwo(String... names) throws IOException {
    for (String n : names) {
      sample(n, 2, 2, new int[][] {{0, 1}, {1, 0}});
    }
  }

  private Path list(String name, String content) throws IOException {
    return Files.writeString(root.resolve(name), content);
  }

  private ConfigMap datasetCfg(Object... extra) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "Dataset");
    m.put("dataset_root", root.toString());
    m.put("train_path", root.resolve("train.txt").toString());
    m.put("num_classes", 2);
    for (int i = 0; i < extra.length; i += 2) {
      m.put((String) extra[i], extra[i + 1]);
    }
    return new ConfigMap(m, "train_dataset", "cfg.yml");
  }

  @Test
  void parsesListSkippingBlankLinesAndResolvingAgainstRoot() throws Exception {
    twoByTwo("a", "b", "c");
    list("train.txt", "img/a.png ann/a.png\n\n  img/b.png   ann/b.png  \n\nimg/c.png ann/c.png\n");
    SegDataset ds = Datasets.build(datasetCfg(), "train");
    assertEquals(3, ds.size());
    assertEquals("train", ds.mode());
    assertEquals(2, ds.numClasses());
    assertEquals(255, ds.ignoreIndex());
    assertEquals(root.resolve("img/b.png"), ds.imagePath(1));
    assertEquals(root.resolve("ann/c.png"), ds.labelPath(2));
    Sample s = ds.get(0, new Random(0));
    assertEquals(4, s.label.length);
  }

  @Test
  void wrongFieldCountReportsFileAndLineNumber() throws Exception {
    twoByTwo("a", "b");
    list("train.txt", "img/a.png ann/a.png\n\nimg/b.png ann/b.png extra\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> Datasets.build(datasetCfg(), "train"));
    assertTrue(e.getMessage().contains("train.txt: line 3"), e.getMessage());
    assertTrue(e.getMessage().contains("3 field(s)"), e.getMessage());
  }

  @Test
  void imageOnlyLinesAreAllowedInTestModeOnly() throws Exception {
    twoByTwo("a");
    list("test.txt", "img/a.png\n");
    list("train.txt", "img/a.png\n");
    SegDataset test =
        Datasets.build(datasetCfg("test_path", root.resolve("test.txt").toString()), "test");
    assertNull(test.labelPath(0));
    assertNull(test.get(0, new Random(0)).label);
    ConfigException e =
        assertThrows(ConfigException.class, () -> Datasets.build(datasetCfg(), "train"));
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
  }

  @Test
  void customSeparator() throws Exception {
    twoByTwo("a");
    list("train.txt", "img/a.png|ann/a.png\n");
    assertEquals(1, Datasets.build(datasetCfg("separator", "|"), "train").size());
  }

  @Test
  void aTabSeparatorSplitsOnTabsOnlySoPathsMayHoldSpaces() throws Exception {
    Files.createDirectories(root.resolve("my images"));
    TestFiles.solid(root.resolve("my images/a 1.png"), 2, 2, 0x804020);
    TestFiles.palettePng(root.resolve("ann/a.png"), new int[][] {{0, 1}, {1, 0}});
    list("train.txt", "my images/a 1.png\tann/a.png\n");
    SegDataset ds = Datasets.build(datasetCfg("separator", "\t"), "train");
    assertEquals(1, ds.size());
    assertEquals(root.resolve("my images/a 1.png"), ds.imagePath(0));
    list("train.txt", "my images/a 1.png ann/a.png\n");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> Datasets.build(datasetCfg("separator", "\t"), "train"));
    assertTrue(e.getMessage().contains("expected 'image<tab>label'"), e.getMessage());
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstPath() throws Exception {
    twoByTwo("a", "b");
    Files.write(
        root.resolve("train.txt"),
        ("\uFEFFimg/a.png ann/a.png\nimg/b.png ann/b.png\n").getBytes(StandardCharsets.UTF_8));
    SegDataset ds = Datasets.build(datasetCfg(), "train");
    assertEquals(root.resolve("img/a.png"), ds.imagePath(0));
    Datasets.validate(ds);
  }

  @Test
  void aListFileThatIsNotUtf8IsOneLineWithLineAndByte() throws Exception {
    twoByTwo("a");
    byte[] latin1 =
        "img/a.png ann/a.png\nimg/\u00e9.png ann/a.png\n".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(root.resolve("train.txt"), latin1);
    ConfigException e =
        assertThrows(ConfigException.class, () -> Datasets.build(datasetCfg(), "train"));
    assertEquals(
        root.resolve("train.txt") + ": line 2 (byte 24) is not UTF-8 text; save the file as UTF-8",
        e.getMessage());
  }

  @Test
  void listPathMayBeRelativeToRoot() throws Exception {
    twoByTwo("a");
    list("train.txt", "img/a.png ann/a.png\n");
    assertEquals(1, Datasets.build(datasetCfg("train_path", "train.txt"), "train").size());
  }

  @Test
  void missingRootSaysHowToGetData() {
    Path missing = root.resolve("nowhere/optic_disc_seg");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> OpticDiscSeg.builder().optRoot(missing).optMode("train").build());
    String m = e.getMessage();
    assertTrue(m.contains(missing.toString()), m);
    assertTrue(m.contains("does not exist"), m);
    assertTrue(m.contains("bin/distill4j make-dataset --out " + missing), m);
    assertTrue(m.contains("https://paddleseg.bj.bcebos.com/dataset/optic_disc_seg.zip"), m);
  }

  @Test
  void missingRootFromConfigNamesTheKey() {
    ConfigMap cfg =
        new ConfigMap(
            new LinkedHashMap<>(
                Map.of("type", "OpticDiscSeg", "dataset_root", root.resolve("x").toString())),
            "val_dataset",
            "student.yml");
    ConfigException e = assertThrows(ConfigException.class, () -> Datasets.build(cfg, "val"));
    assertTrue(
        e.getMessage().startsWith("student.yml: val_dataset.dataset_root: "), e.getMessage());
  }

  @Test
  void missingListFileAndMissingListKey() throws Exception {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> OpticDiscSeg.builder().optRoot(root).optMode("val").build());
    assertTrue(e.getMessage().contains("val_list.txt"), e.getMessage());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    ConfigException noKey =
        assertThrows(ConfigException.class, () -> Datasets.build(datasetCfg(), "val"));
    assertTrue(noKey.getMessage().contains("train_dataset.val_path"), noKey.getMessage());
  }

  @Test
  void allMissingFilesAreReportedTogether() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      sb.append("img/m").append(i).append(".png ann/m").append(i).append(".png\n");
    }
    twoByTwo("ok");
    sb.append("img/ok.png ann/ok.png\n");
    for (int i = 12; i < 30; i++) {
      sb.append("img/m").append(i).append(".png ann/m").append(i).append(".png\n");
    }
    list("train.txt", sb.toString());
    SegDataset ds = Datasets.build(datasetCfg(), "train");
    ConfigException e = assertThrows(ConfigException.class, () -> Datasets.validate(ds));
    String m = e.getMessage();
    assertTrue(m.startsWith("30 of 31 samples"), m);
    assertTrue(m.contains("\n  missing files: " + root.resolve("img/m0.png")), m);
    assertEquals(1 + Datasets.REPORT_LIMIT + 1, m.split("\n").length, m);
    assertTrue(m.endsWith("... and 10 more (30 in total)"), m);
  }

  @Test
  void opticDiscSegReadsListByModeAndDefaultsModeFromCaller() throws Exception {
    twoByTwo("a", "b");
    list("train_list.txt", "img/a.png ann/a.png\nimg/b.png ann/b.png\n");
    list("val_list.txt", "img/b.png\tann/b.png\n");
    ConfigMap noMode =
        ConfigMap.of(
            "type",
            "OpticDiscSeg",
            "dataset_root",
            root.toString(),
            "transforms",
            List.of(Map.of("type", "Resize", "target_size", List.of(4, 4))));
    SegDataset val = Datasets.build(noMode, "val");
    assertEquals("val", val.mode());
    assertEquals(1, val.size());
    Sample s = val.get(0, new Random(0));
    assertEquals(4, s.width);
    assertEquals(2, s.labelWidth, "val labels keep their file size");
    SegDataset train = Datasets.build(noMode, "train");
    assertEquals(2, train.size());
    assertEquals(4, train.get(0, new Random(0)).labelWidth);
    Map<String, Object> explicit = new LinkedHashMap<>(noMode.raw());
    explicit.put("mode", "train");
    assertEquals("train", Datasets.build(ConfigMap.of(explicit), "val").mode());
  }

  @Test
  void registryErrors() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Datasets.registry().build(ConfigMap.of("type", "OpticDiskSeg")));
    assertTrue(e.getMessage().contains("did you mean 'OpticDiscSeg'"), e.getMessage());
    ConfigException mode =
        assertThrows(
            ConfigException.class,
            () -> Datasets.build(ConfigMap.of("type", "OpticDiscSeg", "mode", "eval"), "train"));
    assertTrue(mode.getMessage().contains("train, val, test"), mode.getMessage());
  }

  @Test
  void validateListsEveryBadFile() throws Exception {
    twoByTwo("good");
    sample("values", 2, 2, new int[][] {{0, 3}, {255, 7}});
    sample("size", 2, 2, new int[][] {{0, 1, 0}});
    TestFiles.solid(root.resolve("img/rgb.png"), 2, 2, 0x804020);
    TestFiles.rgbPng(root.resolve("ann/rgb.png"), new int[][] {{0xFF0000, 0}, {0, 0}});
    Files.writeString(root.resolve("img/broken.png"), "garbage");
    TestFiles.palettePng(root.resolve("ann/broken.png"), new int[][] {{0, 1}, {1, 0}});
    list(
        "train.txt",
        "img/good.png ann/good.png\nimg/values.png ann/values.png\nimg/size.png ann/size.png\n"
            + "img/rgb.png ann/rgb.png\nimg/broken.png ann/broken.png\n");
    SegDataset ds = Datasets.build(datasetCfg(), "train");
    ConfigException e = assertThrows(ConfigException.class, () -> Datasets.validate(ds));
    String m = e.getMessage();
    assertTrue(m.startsWith("4 of 5 samples"), m);
    assertTrue(m.contains("values.png has label values [3, 7]"), m);
    assertTrue(m.contains("size.png is 3x1") && m.contains("is 2x2"), m);
    assertTrue(m.contains("rgb.png has 3 channels"), m);
    assertTrue(m.contains("cannot decode image") && m.contains("broken.png"), m);
    assertTrue(!m.contains("good.png"), m);
  }

  @Test
  void validatePassesOnGoodData() throws Exception {
    twoByTwo("a", "b");
    list("train.txt", "img/a.png ann/a.png\nimg/b.png ann/b.png\n");
    assertEquals(2, Datasets.validate(Datasets.build(datasetCfg(), "train")));
  }
}
