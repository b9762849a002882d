package org.distill4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ErrorWords;
import org.distill4j.config.TextFiles;
import org.distill4j.io.download.Archives;
import org.distill4j.io.download.Download;
import org.distill4j.io.download.DownloadFailed;

/**
 * Fetches PaddleSeg's optic-disc set the way PaddleSeg does when an {@code OpticDiscSeg}'s {@code
 * dataset_root} does not exist: the zip is downloaded next to the root (progress bar, temporary
 * file renamed when complete), unpacked there, and its folder moved to the root's name; then the
 * three list files and every file they name must be there. The address is PaddleSeg's, unless the
 * system property {@value #URL_PROPERTY} or the environment variable {@value #URL_ENV} names
 * another (a mirror, or a test's local server).
 */
final class OpticDiscDownload {
  static final String URL = "https://paddleseg.bj.bcebos.com/dataset/optic_disc_seg.zip";
  static final String URL_PROPERTY = "distill4j.optic_disc_url";
  static final String URL_ENV = "DISTILL4J_OPTIC_DISC_URL";
  private static final List<String> LISTS = List.of("train", "val", "test");

  private OpticDiscDownload() {}

  static String url() {
    String url = System.getProperty(URL_PROPERTY);
    if (url == null || url.isBlank()) {
      url = System.getenv(URL_ENV);
    }
    return url == null || url.isBlank() ? URL : url.trim();
  }

  /**
   * Downloads and unpacks the set into {@code root}.
   *
   * @throws ConfigException one line: what failed, and the two ways forward (the synthetic set, or
   *     unpacking the zip by hand)
   */
  static void into(Path root) {
    String url = url();
    Path parent = root.toAbsolutePath().normalize().getParent();
    Path zip = parent.resolve(root.getFileName() + ".zip");
    Path staging = parent.resolve(root.getFileName() + ".unpacking");
    try {
      System.err.println("[DATA] " + root + " does not exist: downloading " + url);
      Download.create().fetch(url, zip);
      deleteTree(staging);
      String folder = Archives.unpack(zip, staging);
      if (folder == null || !Files.isDirectory(staging.resolve(folder))) {
        throw failure(root, url, "the archive holds no folder");
      }
      checkLists(staging.resolve(folder), root, url);
      Files.move(staging.resolve(folder), root);
      System.err.println("[DATA] optic-disc set unpacked into " + root);
    } catch (DownloadFailed e) {
      throw failure(root, url, e.getMessage());
    } catch (IOException e) {
      throw failure(root, url, ErrorWords.io(e));
    } finally {
      try {
        Files.deleteIfExists(zip);
        deleteTree(staging);
      } catch (IOException e) {
        System.err.println("warning: could not remove " + staging + ": " + ErrorWords.io(e));
      }
    }
  }

  /** Checks the unpacked folder before it becomes {@code root}, so a bad archive leaves no root. */
  private static void checkLists(Path unpacked, Path root, String url) {
    for (String mode : LISTS) {
      Path list = unpacked.resolve(OpticDiscSeg.listFileName(mode));
      if (!Files.isRegularFile(list)) {
        throw failure(root, url, "the archive has no " + list.getFileName());
      }
      for (String line : TextFiles.readUtf8Lines(list)) {
        for (String field : line.strip().split("\\s+")) {
          if (!field.isEmpty() && !Files.isRegularFile(unpacked.resolve(field))) {
            throw failure(
                root, url, list.getFileName() + " names " + field + ", which the archive lacks");
          }
        }
      }
    }
  }

  private static ConfigException failure(Path root, String url, String reason) {
    return new ConfigException(
        "dataset directory "
            + root
            + " does not exist and the optic-disc set could not be downloaded from "
            + url
            + " ("
            + reason
            + "); run `bin/distill4j make-dataset --out "
            + root
            + "` to generate the synthetic set, or download the zip and unzip it there");
  }

  private static void deleteTree(Path dir) throws IOException {
    org.distill4j.io.FileTrees.deleteRecursively(dir);
  }
}
