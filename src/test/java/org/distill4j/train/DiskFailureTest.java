package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.models.Checksums;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The save directory fails in the middle of a run: the run stops with one line naming the file and
 * the reason, and the checkpoints written before stay complete and resumable.
 */
class DiskFailureTest {
  @TempDir static Path tmp;
  static ResolvedConfig config;

  @BeforeAll
  static void data() throws Exception {
    config = TrainFixtures.smokeStudentConfig(tmp, 48, 48, 6);
  }

  /**
   * After the first checkpoint, the save directory is taken away (moved to {@code kept}) and a
   * plain file put in its place, as when a disk is unmounted or a quota hit: every later write into
   * it fails.
   */
  static final class DirectoryGoesAway implements TrainingListener {
    final Path saveDir;
    final Path kept;

    DirectoryGoesAway(Path saveDir, Path kept) {
      this.saveDir = saveDir;
      this.kept = kept;
    }

    @Override
    public void onCheckpoint(int iteration, Path directory) {
      if (iteration == 2) {
        try {
          Files.move(saveDir, kept);
          Files.writeString(saveDir, "not a directory");
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static ConfigException runUntilTheDiskFails(String name, boolean withHistory) {
    Path saveDir = tmp.resolve(name);
    Path kept = tmp.resolve(name + "_kept");
    try (TrainingSetup setup = TrainingSetup.fromConfig(config, 1)) {
      SegTrainer.Builder builder =
          setup.trainer(
              TrainingOptions.builder()
                  .optLogIters(1)
                  .optSaveInterval(2)
                  .optDoEval(true)
                  .optSaveDir(saveDir));
      if (withHistory) {
        builder.addListener(new History(saveDir));
      }
      builder.addListener(new DirectoryGoesAway(saveDir, kept));
      return assertThrows(ConfigException.class, () -> builder.build().train());
    }
  }

  private static void assertResumable(Path kept) throws Exception {
    Path iter2 = kept.resolve("iter_2");
    Checksums.verifyAll(iter2);
    Checksums.verifyAll(kept.resolve(Checkpoints.BEST_DIR));
    try (Stream<Path> files = Files.list(kept)) {
      assertEquals(
          List.of(),
          files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList(),
          "no temporary directories are left behind");
    }
    try (TrainingSetup setup = TrainingSetup.fromConfig(config, 1)) {
      TrainingResult resumed =
          setup
              .trainer(TrainingOptions.builder().optResumeModel(iter2).optSaveDir(null))
              .build()
              .train();
      assertEquals(6, resumed.lastIteration());
    }
  }

  @Test
  void checkpointWriteFailsMidRun() throws Exception {
    ConfigException e = runUntilTheDiskFails("ckpt", false);
    String message = e.getMessage();
    assertTrue(message.startsWith("cannot write checkpoint "), message);
    assertTrue(message.contains("iter_4") || message.contains("best_model"), message);
    assertTrue(message.contains("--resume_model"), message);
    assertFalse(message.contains("\n"), "one line: " + message);
    assertResumable(tmp.resolve("ckpt_kept"));
  }

  @Test
  void logWriteFailsMidRun() throws Exception {
    ConfigException e = runUntilTheDiskFails("log", true);
    String message = e.getMessage();
    assertTrue(message.startsWith("cannot write "), message);
    assertTrue(message.contains(History.TRAIN_FILE), message);
    assertFalse(message.contains("\n"), "one line: " + message);
    assertResumable(tmp.resolve("log_kept"));
  }

  @Test
  void aFailedWriteLeavesThePreviousVersionOfTheSameCheckpoint(@TempDir Path dir) throws Exception {
    Path target = dir.resolve(Checkpoints.BEST_DIR);
    Checkpoints.writeAtomically(target, tmp -> Files.writeString(tmp.resolve("a.bin"), "old"));
    byte[] manifest = Files.readAllBytes(target.resolve(Checksums.MANIFEST));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                Checkpoints.writeAtomically(
                    target,
                    tmp -> {
                      Files.writeString(tmp.resolve("a.bin"), "half of the new");
                      throw new IOException("No space left on device");
                    }));
    assertTrue(e.getMessage().contains("disk full (no space left on device)"), e.getMessage());
    assertEquals("old", Files.readString(target.resolve("a.bin")));
    assertArrayEquals(manifest, Files.readAllBytes(target.resolve(Checksums.MANIFEST)));
    Checksums.verifyAll(target);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          List.of(Checkpoints.BEST_DIR), files.map(p -> p.getFileName().toString()).toList());
    }
  }
}
