package org.distill4j.io.download;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.distill4j.config.ConfigException;

/**
 * Unpacks {@code .zip}, {@code .tar.gz} and {@code .tgz} archives. Like PaddleSeg, the first
 * member's top-level name is taken as the folder the archive holds. An entry whose path would land
 * outside the target folder (absolute, or with {@code ..}) is refused; links are skipped.
 */
public final class Archives {
  private Archives() {}

  /** Whether {@code name} ends like an archive this class unpacks. */
  public static boolean isArchive(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".zip") || n.endsWith(".tar.gz") || n.endsWith(".tgz");
  }

  /** {@code name} without its archive suffix: {@code resnet50_vd_ssld_v2.tar.gz -> ...v2}. */
  public static String stem(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (String suffix : new String[] {".tar.gz", ".tgz", ".zip"}) {
      if (n.endsWith(suffix)) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  /**
   * Unpacks {@code archive} into {@code targetDir} and returns the top-level name of its first
   * member (the folder PaddleSeg expects the archive to hold), or null for an empty archive.
   *
   * @throws ConfigException (one line naming the archive) for an entry escaping the target
   */
  public static String unpack(Path archive, Path targetDir) throws IOException {
    Path root = targetDir.toAbsolutePath().normalize();
    Files.createDirectories(root);
    String first = null;
    try (ArchiveInputStream<? extends ArchiveEntry> in = open(archive)) {
      ArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        String name = entry.getName().replace('\\', '/');
        Path out = root.resolve(name).normalize();
        if (name.startsWith("/") || !out.startsWith(root) || out.equals(root)) {
          if (out.equals(root) && !name.startsWith("/") && !name.contains("..")) {
            continue; // "./" entries
          }
          throw new ConfigException(
              archive
                  + ": refused to unpack entry '"
                  + entry.getName()
                  + "': its path leads outside "
                  + root);
        }
        if (first == null) {
          first = root.relativize(out).getName(0).toString();
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else if (isLink(entry)) {
          continue; // a link could point anywhere; weights and datasets never need one
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return first;
  }

  private static boolean isLink(ArchiveEntry entry) {
    if (entry instanceof org.apache.commons.compress.archivers.tar.TarArchiveEntry t) {
      return t.isSymbolicLink() || t.isLink();
    }
    if (entry instanceof org.apache.commons.compress.archivers.zip.ZipArchiveEntry z) {
      return z.isUnixSymlink();
    }
    return false;
  }

  private static ArchiveInputStream<? extends ArchiveEntry> open(Path archive) throws IOException {
    String n = archive.getFileName().toString().toLowerCase(Locale.ROOT);
    InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
    if (n.endsWith(".zip")) {
      return new ZipArchiveInputStream(raw);
    }
    if (n.endsWith(".tar.gz") || n.endsWith(".tgz")) {
      return new TarArchiveInputStream(new GzipCompressorInputStream(raw));
    }
    raw.close();
    throw new ConfigException(archive + ": not a .zip, .tar.gz or .tgz archive");
  }
}
