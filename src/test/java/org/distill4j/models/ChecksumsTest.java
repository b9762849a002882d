package org.distill4j.models;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.distill4j.errors.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint manifest: its format, and what a damaged or missing file gets. */
class ChecksumsTest {
  @TempDir Path dir;

  private void twoFiles() throws Exception {
    Files.write(dir.resolve("model.params"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    Files.writeString(dir.resolve("config.yml"), "iters: 10\n");
    Files.createDirectory(dir.resolve("sub")); // not a file: not listed
  }

  @Test
  void manifestListsEveryFileWithItsSha256InSha256sumFormat() throws Exception {
    twoFiles();
    Checksums.write(dir);
    String expectedModel =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
    assertEquals(
        List.of(
            Checksums.read(dir).get("config.yml") + "  config.yml",
            expectedModel + "  model.params"),
        Files.readAllLines(dir.resolve(Checksums.MANIFEST)));
    assertEquals(
        Map.of("config.yml", Checksums.read(dir).get("config.yml"), "model.params", expectedModel),
        Checksums.read(dir));
    assertDoesNotThrow(() -> Checksums.verifyAll(dir));
  }

  @Test
  void coreutilsAcceptsTheManifestWhenInstalled() throws Exception {
    twoFiles();
    Checksums.write(dir);
    Process p;
    try {
      p =
          new ProcessBuilder("sha256sum", "--check", "--quiet", Checksums.MANIFEST)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
    } catch (java.io.IOException e) {
      org.junit.jupiter.api.Assumptions.abort("sha256sum is not installed");
      return;
    }
    assertEquals(0, p.waitFor());
  }

  @Test
  void truncatedFileIsNamedWithWhatToDo() throws Exception {
    twoFiles();
    Checksums.write(dir);
    Files.write(dir.resolve("model.params"), new byte[] {1, 2, 3, 4});
    CheckpointException all =
        assertThrows(CheckpointException.class, () -> Checksums.verifyAll(dir));
    assertTrue(all.getMessage().startsWith(dir.resolve("model.params") + ": does not match"));
    assertTrue(all.getMessage().contains("another iter_N"), all.getMessage());
    CheckpointException one =
        assertThrows(
            CheckpointException.class, () -> Checksums.verifyFile(dir.resolve("model.params")));
    assertEquals(all.getMessage(), one.getMessage());
    assertDoesNotThrow(() -> Checksums.verifyFile(dir.resolve("config.yml")));
  }

  @Test
  void missingListedFileIsAnIncompleteCheckpoint() throws Exception {
    twoFiles();
    Checksums.write(dir);
    Files.delete(dir.resolve("config.yml"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checksums.verifyAll(dir));
    assertTrue(e.getMessage().contains("config.yml is listed in checksums.sha256 but missing"));
  }

  @Test
  void filesWithoutAManifestOrNotListedAreNotChecked() throws Exception {
    twoFiles();
    assertTrue(!Checksums.present(dir));
    assertDoesNotThrow(() -> Checksums.verifyFile(dir.resolve("model.params")));
    Checksums.write(dir);
    Files.writeString(dir.resolve("notes.txt"), "added later");
    assertDoesNotThrow(() -> Checksums.verifyFile(dir.resolve("notes.txt")));
  }

  @Test
  void malformedManifestLineIsReportedWithItsNumber() throws Exception {
    twoFiles();
    Files.writeString(dir.resolve(Checksums.MANIFEST), "abc model.params\n");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checksums.verifyAll(dir));
    assertTrue(e.getMessage().contains("line 1 is not"), e.getMessage());
  }
}
