package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.distill4j.config.ConfigException;
import org.distill4j.data.transforms.SegImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images decode to the RGB that OpenCV's {@code imread(IMREAD_COLOR)} gives (PaddleSeg's reader),
 * within 2 per channel: all 8 EXIF orientations, CMYK and YCCK JPEGs, grey, palette, RGBA and
 * 16-bit PNGs. The files and the references are made at test time by Debian's python3-opencv and
 * python3-pil (the YCCK file by ImageMagick, which .ci/run installs).
 */
class OpenCvDecodingTest {
  @TempDir static Path dir;
  static List<String> names;

  @BeforeAll
  static void makeImages() throws Exception {
    Path script = dir.resolve("make_images.py");
    try (InputStream in = OpenCvDecodingTest.class.getResourceAsStream("make_images.py")) {
      Files.copy(in, script);
    }
    Process p =
        new ProcessBuilder("/usr/bin/python3", script.toString(), dir.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python timed out");
    assertEquals(
        0, p.exitValue(), "needs /usr/bin/python3 with cv2 and PIL, and ImageMagick: " + out);
    names = new ArrayList<>(out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList());
    assertEquals(16, names.size(), out);
  }

  @Test
  void everyKindMatchesOpenCv() throws IOException {
    List<String> failures = new ArrayList<>();
    for (String name : names) {
      Path file = dir.resolve(name);
      SegImage ours = ImageFiles.readImage(file);
      try (DataInputStream in =
          new DataInputStream(Files.newInputStream(dir.resolve(name + ".rgb")))) {
        int h = in.readInt();
        int w = in.readInt();
        byte[] ref = in.readAllBytes();
        if (ours.height != h || ours.width != w) {
          failures.add(name + ": " + ours.width + "x" + ours.height + " vs OpenCV " + w + "x" + h);
          continue;
        }
        int worst = 0;
        for (int i = 0; i < ref.length; i++) {
          worst = Math.max(worst, (int) Math.abs(ours.data[i] - (ref[i] & 0xFF)));
        }
        if (worst > 2) {
          failures.add(name + ": differs from OpenCV by up to " + worst);
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("; ", failures));
  }

  @Test
  void rotatedImageWhoseLabelDoesNotMatchNamesTheOrientationTag() throws Exception {
    Path root = dir.resolve("ds");
    Files.createDirectories(root.resolve("ann"));
    Files.copy(dir.resolve("exif6.jpg"), root.resolve("a.jpg"));
    // The stored pixels are 24x16; upright (tag 6) the image is 16x24, so a 24x16 label mismatches.
    TestFiles.greyPng(root.resolve("ann/a.png"), TestFiles.filled(16, 24, 0));
    Files.writeString(root.resolve("train.txt"), "a.jpg ann/a.png\n");
    SegDataset ds =
        ListFileDataset.builder()
            .setRoot(root)
            .setListFile(root.resolve("train.txt"))
            .setNumClasses(2)
            .build();
    String m =
        org.junit.jupiter.api.Assertions.assertThrows(
                ConfigException.class, () -> Datasets.validate(ds))
            .getMessage();
    assertTrue(m.contains("EXIF orientation tag 6"), m);
  }
}
