package org.distill4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared file helpers: atomic writes, recursive deletes, SHA-256. */
class FileHelpersTest {
  @TempDir Path dir;

  private long entries(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.count();
    }
  }

  @Test
  void atomicWriteReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
    Path target = dir.resolve("sub/config.yml");
    AtomicFiles.writeString(target, "old\n");
    AtomicFiles.writeLines(target, List.of("a", "b"));
    assertEquals(List.of("a", "b"), Files.readAllLines(target));
    assertEquals(1, entries(target.getParent()));
  }

  @Test
  void failedWriteKeepsTheOldFileAndRemovesTheTemporaryOne() throws IOException {
    Path target = AtomicFiles.writeString(dir.resolve("model.params"), "complete");
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                AtomicFiles.write(
                    target,
                    out -> {
                      out.write("half".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("disk full");
                    }));
    assertEquals("disk full", e.getMessage());
    assertEquals("complete", Files.readString(target));
    assertEquals(1, entries(dir));
  }

  @Test
  void recursiveDeleteRemovesATreeAndIgnoresAMissingPath() throws IOException {
    Path root = dir.resolve("iter_10");
    Files.createDirectories(root.resolve("a/b"));
    Files.writeString(root.resolve("a/b/f.txt"), "x");
    Files.writeString(root.resolve("g.txt"), "y");
    FileTrees.deleteRecursively(root);
    assertFalse(Files.exists(root));
    FileTrees.deleteRecursively(root);
    assertEquals(0, entries(dir));
  }

  @Test
  void sha256MatchesTheStandardTestVector() throws IOException {
    String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assertEquals(abc, Sha256.ofText("abc"));
    Path f = Files.writeString(dir.resolve("abc.txt"), "abc");
    assertEquals(abc, Sha256.ofFile(f));
    var d = Sha256.digest();
    Sha256.update(d, new float[] {9f, 1f, 2f}, 1, 2);
    var e = Sha256.digest();
    Sha256.update(e, new float[] {1f, 2f}, 0, 2);
    assertEquals(Sha256.hex(e), Sha256.hex(d));
    assertTrue(Sha256.ofText("abd").length() == 64 && !Sha256.ofText("abd").equals(abc));
  }
}
