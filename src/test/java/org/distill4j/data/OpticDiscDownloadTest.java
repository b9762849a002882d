package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.io.download.LoopbackServer;
import org.distill4j.io.download.TestArchives;
import org.distill4j.synthetic.SyntheticFundusGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A missing OpticDiscSeg root is filled from the (loopback) download, as PaddleSeg does. */
class OpticDiscDownloadTest {
  @TempDir Path tmp;
  private final String before = System.getProperty(OpticDiscDownload.URL_PROPERTY);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(OpticDiscDownload.URL_PROPERTY);
    } else {
      System.setProperty(OpticDiscDownload.URL_PROPERTY, before);
    }
  }

  /** The zip's layout: optic_disc_seg/ with images, labels and the three lists. */
  private Map<String, byte[]> opticDiscZip(boolean withAllFiles) throws Exception {
    Path made = tmp.resolve("made");
    SyntheticFundusGenerator.builder()
        .optTrain(2)
        .optVal(1)
        .optTest(1)
        .optImageSize(32, 32)
        .build()
        .generate(made);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(made)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        String name = "optic_disc_seg/" + made.relativize(p).toString().replace('\\', '/');
        if (!withAllFiles && name.contains("Annotations") && !entries.isEmpty()) {
          withAllFiles = true; // drop one label file
          continue;
        }
        entries.put(name, Files.readAllBytes(p));
      }
    }
    return entries;
  }

  private static ConfigMap config(Path root) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "OpticDiscSeg");
    m.put("dataset_root", root.toString());
    return new ConfigMap(m, "train_dataset", "student.yml");
  }

  @Test
  void aMissingRootIsDownloadedUnpackedUnderItsNameAndChecked() throws Exception {
    try (LoopbackServer server = new LoopbackServer()) {
      server.serve("/optic_disc_seg.zip", TestArchives.zip(opticDiscZip(true)));
      System.setProperty(OpticDiscDownload.URL_PROPERTY, server.url("/optic_disc_seg.zip"));
      Path root = tmp.resolve("data/my_optic");
      SegDataset ds = Datasets.build(config(root), "train");
      assertEquals(2, ds.size());
      assertTrue(Files.isRegularFile(root.resolve("val_list.txt")));
      try (Stream<Path> left = Files.list(root.getParent())) {
        assertEquals(1, left.count(), "no zip or staging folder is left beside the root");
      }
      Datasets.build(config(root), "val");
      assertEquals(1, server.requests(), "an existing root is used without the network");
    }
  }

  @Test
  void anArchiveMissingAListedFileIsRefusedAndLeavesNoRoot() throws Exception {
    try (LoopbackServer server = new LoopbackServer()) {
      server.serve("/optic_disc_seg.zip", TestArchives.zip(opticDiscZip(false)));
      System.setProperty(OpticDiscDownload.URL_PROPERTY, server.url("/optic_disc_seg.zip"));
      Path root = tmp.resolve("data/partial");
      ConfigException e =
          assertThrows(ConfigException.class, () -> Datasets.build(config(root), "train"));
      assertTrue(e.getMessage().contains("which the archive lacks"), e.getMessage());
      assertFalse(Files.exists(root), "a bad archive leaves no dataset behind");
    }
  }

  @Test
  void offlineIsOneLineNamingTheUrlAndMakeDataset() {
    System.setProperty(OpticDiscDownload.URL_PROPERTY, "http://127.0.0.1:9/optic_disc_seg.zip");
    Path root = tmp.resolve("data/offline");
    ConfigException e =
        assertThrows(ConfigException.class, () -> Datasets.build(config(root), "train"));
    String m = e.getMessage();
    assertTrue(m.startsWith("student.yml: train_dataset.dataset_root: dataset directory "), m);
    assertTrue(m.contains("could not be downloaded from http://127.0.0.1:9/optic_disc_seg.zip"), m);
    assertTrue(m.contains("bin/distill4j make-dataset --out " + root), m);
    assertFalse(m.contains("\n"), m);
    assertFalse(Files.exists(root));
  }
}
