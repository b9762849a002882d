package org.distill4j.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helpers: write small YAML files into a temporary directory, find test resources. */
final class YamlFiles {
  private YamlFiles() {}

  static Path write(Path dir, String relative, String... lines) {
    try {
      Path file = dir.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.writeString(file, String.join("\n", lines) + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path resource(String path) {
    try {
      return Path.of(YamlFiles.class.getResource(path).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
