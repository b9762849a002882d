package org.distill4j.io.download;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.distill4j.config.ConfigException;

/**
 * Resolves a {@code pretrained} URL to a local path under {@code $DISTILL4J_HOME/pretrained_model},
 * the role PaddleSeg's {@code SEG_HOME/pretrained_model} plays. An archive becomes the folder named
 * after it ({@code resnet50_vd_ssld_v2.tar.gz -> pretrained_model/resnet50_vd_ssld_v2/}), which
 * must hold {@code model.pdparams}; any other URL is kept as the file it names. What is already in
 * the cache is used without touching the network.
 */
public final class DownloadCache {
  /** Environment variable naming the cache root (default {@code ~/.distill4j}). */
  public static final String HOME_ENV = "DISTILL4J_HOME";

  /** System property that overrides {@link #HOME_ENV} (used by tests). */
  public static final String HOME_PROPERTY = "distill4j.home";

  private static final String WEIGHTS_FILE = "model.pdparams";

  private final Path home;
  private final Download download;

  private DownloadCache(Path home, Download download) {
    this.home = home;
    this.download = download;
  }

  /** The cache at {@link #home()} with a progress bar on standard error. */
  public static DownloadCache standard() {
    return new DownloadCache(home(), Download.create());
  }

  /** A cache rooted at {@code home} using {@code download}. */
  public static DownloadCache of(Path home, Download download) {
    return new DownloadCache(home, download);
  }

  /** {@code -Ddistill4j.home}, else {@code $DISTILL4J_HOME}, else {@code ~/.distill4j}. */
  public static Path home() {
    String p = System.getProperty(HOME_PROPERTY);
    if (p == null || p.isBlank()) {
      p = System.getenv(HOME_ENV);
    }
    if (p == null || p.isBlank()) {
      return Path.of(System.getProperty("user.home"), ".distill4j");
    }
    return Path.of(p);
  }

  /** Whether {@code value} is an http or https URL. */
  public static boolean isUrl(String value) {
    String v = value.trim().toLowerCase(java.util.Locale.ROOT);
    return v.startsWith("http://") || v.startsWith("https://");
  }

  /** The cached path a URL resolves to, whether or not it is there yet. */
  public Path cachedPath(String url) {
    String name = fileName(url);
    Path dir = home.resolve("pretrained_model");
    return Archives.isArchive(name) ? dir.resolve(Archives.stem(name)) : dir.resolve(name);
  }

  /**
   * The local path for a pretrained URL: a folder holding {@code model.pdparams} for an archive,
   * the downloaded file otherwise. Downloads only when the cache lacks it.
   *
   * @throws ConfigException one line naming the URL, the reason, the path to fill by hand, and
   *     {@code pretrained: Null}
   */
  public Path resolvePretrained(String url) {
    String name = fileName(url);
    Path local = cachedPath(url);
    boolean archive = Archives.isArchive(name);
    if (archive ? Files.isRegularFile(local.resolve(WEIGHTS_FILE)) : Files.isRegularFile(local)) {
      return local;
    }
    Path dir = local.getParent();
    Path downloaded = archive ? dir.resolve(name) : local;
    try {
      download.fetch(url, downloaded);
    } catch (DownloadFailed e) {
      throw new ConfigException(
          "cannot download "
              + url
              + " ("
              + e.getMessage()
              + "); "
              + (archive
                  ? "unpack it by hand so that " + local.resolve(WEIGHTS_FILE) + " exists"
                  : "save it by hand as " + local)
              + ", or set pretrained: Null to train from scratch",
          e);
    }
    if (archive) {
      unpackWeights(url, downloaded, local);
    }
    return local;
  }

  /** Unpacks into a staging folder, then moves the archive's folder to {@code local}. */
  private static void unpackWeights(String url, Path archive, Path local) {
    Path staging = null;
    try {
      staging = Files.createTempDirectory(local.getParent(), local.getFileName() + ".unpack.");
      String folder = Archives.unpack(archive, staging);
      Path unpacked = folder == null ? null : staging.resolve(folder);
      if (unpacked == null || !Files.isDirectory(unpacked)) {
        throw new ConfigException(
            url
                + ": the archive holds no folder (PaddleSeg expects one folder with model.pdparams)");
      }
      if (!Files.isRegularFile(unpacked.resolve(WEIGHTS_FILE))) {
        throw new ConfigException(
            url + ": the archive's folder '" + folder + "' holds no " + WEIGHTS_FILE);
      }
      deleteTree(local);
      Files.move(unpacked, local, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ConfigException(url + ": cannot unpack " + archive + ": " + e.getMessage(), e);
    } finally {
      try {
        deleteTree(staging);
        Files.deleteIfExists(archive);
      } catch (IOException ignored) {
        // leftovers are named .unpack.* and never read as weights
      }
    }
  }

  static String fileName(String url) {
    String path;
    try {
      path = URI.create(url.trim()).getPath();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("not a valid URL: " + url);
    }
    String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    if (name.isEmpty() || name.equals("..") || name.equals(".")) {
      throw new ConfigException(url + ": the URL names no file to download");
    }
    return name;
  }

  static void deleteTree(Path p) throws IOException {
    if (p != null) {
      org.distill4j.io.FileTrees.deleteRecursively(p);
    }
  }
}
