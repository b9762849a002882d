package org.distill4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The one way distill4j writes a file that must never be seen half-written (checkpoints, configs,
 * weights, manifests, histories): the content goes to a temporary file in the target's directory,
 * which is then moved over the target in one step. A crash or a full disk leaves the old file (or
 * none), never a truncated one; the temporary file is removed on failure.
 */
public final class AtomicFiles {
  /** Writes a file's content to the stream it is given. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  /** Writes {@code target} (creating its directory) through a temporary file and one move. */
  public static Path write(Path target, Content content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        content.writeTo(out);
      }
      moveReplacing(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }

  /** Writes {@code text} as UTF-8 to {@code target}, atomically. */
  public static Path writeString(Path target, String text) throws IOException {
    return write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /**
   * Writes {@code lines}, each ended by the platform's line separator (as {@link Files#write(Path,
   * Iterable, java.nio.charset.Charset, java.nio.file.OpenOption...)} does), as UTF-8 to {@code
   * target}, atomically.
   */
  public static Path writeLines(Path target, Iterable<? extends CharSequence> lines)
      throws IOException {
    StringBuilder text = new StringBuilder();
    for (CharSequence line : lines) {
      text.append(line).append(System.lineSeparator());
    }
    return writeString(target, text.toString());
  }

  /**
   * Moves {@code from} over {@code to} in one step where the file system can, otherwise with a
   * plain replacing move (some file systems, e.g. certain network mounts, refuse atomic moves).
   */
  public static void moveReplacing(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
