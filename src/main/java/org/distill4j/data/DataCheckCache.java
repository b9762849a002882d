package org.distill4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.io.AtomicFiles;

/**
 * Remembers which samples passed the data check, keyed by each file's absolute path, size and
 * modification time, so a second check skips unchanged files. The file is a plain text table whose
 * first line is the check's settings (classes, ignore index, label map): a cache written under
 * other settings, or one that cannot be parsed, is ignored and rewritten, never trusted.
 */
final class DataCheckCache {
  private static final String HEADER = "distill4j data check v1 ";

  private final Path file;
  private final String key;
  private final Map<String, Entry> known;
  private final List<String> passed = new ArrayList<>();
  private boolean changed;

  /** What a passed sample's label holds: a class other than 0, the ignore index. */
  record Entry(boolean foreground, boolean ignore) {}

  private DataCheckCache(Path file, String key, Map<String, Entry> known) {
    this.file = file;
    this.key = key;
    this.known = known;
  }

  /** Opens {@code file} (null: a cache that remembers nothing). */
  static DataCheckCache open(Path file, String key) {
    Map<String, Entry> known = new HashMap<>();
    if (file != null && Files.isRegularFile(file)) {
      try {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (!lines.isEmpty() && lines.get(0).equals(HEADER + key)) {
          for (String line : lines.subList(1, lines.size())) {
            int tab = line.lastIndexOf('\t');
            if (tab < 0 || line.length() != tab + 3) {
              known.clear();
              break;
            }
            known.put(
                line.substring(0, tab),
                new Entry(line.charAt(tab + 1) == '1', line.charAt(tab + 2) == '1'));
          }
        }
      } catch (IOException | RuntimeException e) {
        known.clear();
      }
    }
    return new DataCheckCache(file, key, known);
  }

  /** The entry of a sample that passed with exactly these files, or null. */
  Entry lookup(Path image, Path label) {
    String id = identity(image, label);
    Entry e = id == null ? null : known.get(id);
    if (e != null) {
      passed.add(line(id, e));
    }
    return e;
  }

  /** Records a sample that passed; returns its entry. */
  Entry store(Path image, Path label, boolean foreground, boolean ignore) {
    Entry e = new Entry(foreground, ignore);
    String id = identity(image, label);
    if (id != null) {
      passed.add(line(id, e));
      changed = true;
    }
    return e;
  }

  /** Writes the samples that passed in this run (atomically); a failure to write is ignored. */
  void save() {
    if (file == null || (!changed && passed.size() == known.size())) {
      return;
    }
    try {
      List<String> out = new ArrayList<>();
      out.add(HEADER + key);
      out.addAll(passed);
      AtomicFiles.writeLines(file, out);
    } catch (IOException | RuntimeException e) {
      // The cache only saves time; a run without it is still correct.
    }
  }

  private static String line(String id, Entry e) {
    return id + "\t" + (e.foreground() ? '1' : '0') + (e.ignore() ? '1' : '0');
  }

  private static String identity(Path image, Path label) {
    try {
      StringBuilder sb = new StringBuilder(stamp(image));
      if (label != null) {
        sb.append('|').append(stamp(label));
      }
      return sb.toString().replace('\t', ' ').replace('\n', ' ');
    } catch (IOException e) {
      return null;
    }
  }

  private static String stamp(Path p) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    return abs + "|" + Files.size(abs) + "|" + Files.getLastModifiedTime(abs).toMillis();
  }
}
