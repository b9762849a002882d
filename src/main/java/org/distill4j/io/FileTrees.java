package org.distill4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Deleting a directory with everything in it: the one copy distill4j uses. */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Deletes {@code path} and, when it is a directory, everything below it, deepest first. A path
   * that does not exist is left alone. Symbolic links are deleted, never followed.
   */
  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(path)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }
}
