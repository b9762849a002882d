package org.distill4j.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the tutorial's data comes from. The test JVM points the optic-disc download at a closed
 * local port (pom.xml), so "the download fails" is what these runs see.
 */
class TutorialDataSourceTest {
  @TempDir Path tmp;

  private Tutorial tutorial(Tutorial.DataSource source, Path data) {
    return Tutorial.builder()
        .optScale(TutorialScale.SMOKE)
        .optOutputDir(tmp.resolve("out"))
        .optDataRoot(data)
        .optDataSource(source)
        .build();
  }

  private static String stdout(Runnable r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream before = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setOut(before);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void realOrSyntheticFallsBackToTheSyntheticSetAndSaysSoInOneLine() {
    Path data = tmp.resolve("auto");
    String out =
        stdout(
            () -> assertTrue(tutorial(Tutorial.DataSource.REAL_OR_SYNTHETIC, data).ensureData()));
    assertTrue(out.startsWith("[DATA] the real optic-disc set could not be downloaded;"), out);
    assertEquals(1, out.lines().count(), out);
    assertTrue(Files.isRegularFile(data.resolve("train_list.txt")));
    String again = stdout(() -> assertFalse(tutorial(Tutorial.DataSource.REAL, data).ensureData()));
    assertEquals("", again, "a present dataset is used as it is, whatever the source");
  }

  @Test
  void realRefusesToGoOnWithoutTheRealSet() {
    Path data = tmp.resolve("real");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> tutorial(Tutorial.DataSource.REAL, data).ensureData());
    assertTrue(e.getMessage().contains("could not be downloaded"), e.getMessage());
    assertTrue(e.getMessage().contains("make-dataset"), e.getMessage());
    assertFalse(Files.exists(data));
  }

  @Test
  void theFlagTakesRealOrSyntheticOnly() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        org.distill4j.cli.Main.run(
            new String[] {"tutorial", "--data", tmp.toString()}, new PrintStream(err, true));
    assertEquals(2, code);
    assertTrue(err.toString().contains("--data must be real or synthetic"), err.toString());
    assertTrue(err.toString().contains("the data folder is --data_root"), err.toString());
  }
}
