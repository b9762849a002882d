package org.distill4j.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ErrorWords;
import org.distill4j.errors.CheckpointException;

/**
 * The SHA-256 manifest of a checkpoint directory, {@code checksums.sha256}, in the format of
 * coreutils' {@code sha256sum} (so {@code sha256sum -c checksums.sha256} checks it by hand too). It
 * is written last, just before the directory is renamed into place; a file that was truncated or
 * changed afterwards no longer matches it, and loading says so instead of training on bad weights.
 */
public final class Checksums {
  /** The manifest's file name inside a checkpoint directory. */
  public static final String MANIFEST = "checksums.sha256";

  private Checksums() {}

  /** Writes the manifest of every regular file directly inside {@code dir}. */
  public static void write(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        if (Files.isRegularFile(f) && !f.getFileName().toString().equals(MANIFEST)) {
          lines.add(sha256(f) + "  " + f.getFileName());
        }
      }
    }
    Files.write(dir.resolve(MANIFEST), lines);
  }

  /** True when {@code dir} has a manifest (checkpoints written before manifests have none). */
  public static boolean present(Path dir) {
    return Files.isRegularFile(dir.resolve(MANIFEST));
  }

  /**
   * Checks every file the manifest of {@code dir} lists.
   *
   * @throws ConfigException naming the first file that is missing or does not match
   */
  public static void verifyAll(Path dir) {
    read(dir).forEach((name, expected) -> verifyListed(dir, name, expected));
  }

  /**
   * Checks {@code file} against the manifest of its directory, when there is one that lists it.
   *
   * @throws ConfigException when the file does not match its recorded checksum
   */
  public static void verifyFile(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null && present(dir)) {
      String name = file.getFileName().toString();
      String expected = read(dir).get(name);
      if (expected != null) {
        verifyListed(dir, name, expected);
      }
    }
  }

  private static void verifyListed(Path dir, String name, String expected) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(
          dir
              + ": "
              + name
              + " is listed in "
              + MANIFEST
              + " but missing; the checkpoint is"
              + " incomplete, use another iter_N directory");
    }
    String actual;
    try {
      actual = sha256(file);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read (" + ErrorWords.io(e) + ")", e);
    }
    if (!expected.equals(actual)) {
      throw new CheckpointException(
          file
              + ": does not match its checksum in "
              + MANIFEST
              + " (truncated or changed after"
              + " it was saved); use another iter_N directory or retrain");
    }
  }

  /** The manifest as file name to hex digest, in file order. */
  static Map<String, String> read(Path dir) {
    Path manifest = dir.resolve(MANIFEST);
    Map<String, String> entries = new LinkedHashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(manifest);
    } catch (IOException e) {
      throw new ConfigException(manifest + ": cannot be read (" + ErrorWords.io(e) + ")", e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int sep = line.indexOf("  ");
      if (line.isBlank()) {
        continue;
      }
      if (sep != 64) {
        throw new CheckpointException(
            manifest + ": line " + (i + 1) + " is not '<64 hex digits>  <file name>'");
      }
      entries.put(line.substring(sep + 2), line.substring(0, sep));
    }
    return entries;
  }

  static String sha256(Path file) throws IOException {
    return org.distill4j.io.Sha256.ofFile(file);
  }
}
