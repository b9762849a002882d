package org.distill4j.notebook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * IJava's simple glob syntax for {@code %jars} and {@code %classpath}: segments separated by {@code
 * /} (also on Windows); {@code *} matches any characters within one segment and {@code ?} one
 * character; a trailing {@code /} means every regular file in that directory (not recursive); there
 * is no {@code **}. Relative patterns resolve against a base directory.
 */
final class ClasspathGlob {
  private ClasspathGlob() {}

  /**
   * The existing paths matching {@code pattern}, sorted within each wildcard segment.
   *
   * @param filesOnly keep only regular files (what {@code %jars} adds)
   */
  static List<Path> resolve(Path base, String pattern, boolean filesOnly) throws IOException {
    boolean directoryContents = pattern.endsWith("/") && pattern.length() > 1;
    String trimmed = directoryContents ? pattern.substring(0, pattern.length() - 1) : pattern;
    List<Path> matches = new ArrayList<>();
    for (Path path : expand(base, trimmed)) {
      if (directoryContents) {
        if (Files.isDirectory(path)) {
          matches.addAll(listSorted(path, null, true));
        }
      } else if (filesOnly ? Files.isRegularFile(path) : Files.exists(path)) {
        matches.add(path);
      }
    }
    return matches;
  }

  private static List<Path> expand(Path base, String pattern) throws IOException {
    List<Path> current = new ArrayList<>();
    String rest = pattern;
    if (pattern.startsWith("/")) {
      current.add(Path.of("/"));
      rest = pattern.substring(1);
    } else if (pattern.matches("[A-Za-z]:/.*")) {
      current.add(Path.of(pattern.substring(0, 3)));
      rest = pattern.substring(3);
    } else {
      current.add(base);
    }
    for (String segment : rest.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      List<Path> next = new ArrayList<>();
      for (Path path : current) {
        if (segment.contains("*") || segment.contains("?")) {
          if (Files.isDirectory(path)) {
            next.addAll(listSorted(path, toRegex(segment), false));
          }
        } else {
          next.add(path.resolve(segment));
        }
      }
      current = next;
    }
    return current.stream().map(Path::normalize).toList();
  }

  private static List<Path> listSorted(Path directory, Pattern name, boolean regularFilesOnly)
      throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries
          .filter(path -> name == null || name.matcher(path.getFileName().toString()).matches())
          .filter(path -> !regularFilesOnly || Files.isRegularFile(path))
          .sorted()
          .toList();
    }
  }

  private static Pattern toRegex(String segment) {
    StringBuilder regex = new StringBuilder();
    for (char c : segment.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}
