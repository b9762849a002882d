package org.distill4j.distill.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.distill4j.io.AtomicFiles;

/**
 * The cache's directory layout and its {@code manifest.properties}: format, fingerprint, batch
 * size, the tensor that stands for the logits, and each stored tensor's name and per-input shape.
 * {@code keys.txt} holds one input key per line; {@code tensor-<i>.f32} one fixed-size
 * little-endian float32 record per key. The manifest is written last (atomically), so an
 * interrupted build leaves no manifest and is rebuilt.
 */
public record CacheManifest(
    String fingerprint,
    int batchSize,
    String logitSource,
    List<String> names,
    List<long[]> shapes) {

  public static final String MANIFEST = "manifest.properties";
  public static final String KEYS = "keys.txt";
  static final String FORMAT = "distill4j-teacher-cache-1";

  /** The file of stored tensor {@code i}. */
  public static Path tensorFile(Path dir, int i) {
    return dir.resolve("tensor-" + i + ".f32");
  }

  /**
   * The manifest in {@code dir}, or null when there is none or it is not one this format wrote
   * (both are rebuilt the same way).
   */
  public static CacheManifest read(Path dir) throws IOException {
    Path file = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IllegalArgumentException malformed) {
      return null;
    }
    if (!FORMAT.equals(p.getProperty("format"))) {
      return null;
    }
    try {
      return parse(p);
    } catch (RuntimeException e) {
      throw new IOException(file + " is malformed (" + e.getMessage() + ")", e);
    }
  }

  private static CacheManifest parse(Properties p) {
    int count = Integer.parseInt(p.getProperty("tensors"));
    List<String> names = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add(p.getProperty("tensor." + i + ".name"));
      shapes.add(
          Arrays.stream(p.getProperty("tensor." + i + ".shape").split(","))
              .mapToLong(Long::parseLong)
              .toArray());
    }
    return new CacheManifest(
        p.getProperty("fingerprint"),
        Integer.parseInt(p.getProperty("batch_size")),
        p.getProperty("logit_source"),
        names,
        shapes);
  }

  /** Writes this manifest into {@code dir}, replacing any, as the last file of a build. */
  void write(Path dir, int entries) throws IOException {
    Properties p = new Properties();
    p.setProperty("format", FORMAT);
    p.setProperty("fingerprint", fingerprint);
    p.setProperty("batch_size", Integer.toString(batchSize));
    p.setProperty("logit_source", logitSource);
    p.setProperty("entries", Integer.toString(entries));
    p.setProperty("tensors", Integer.toString(names.size()));
    for (int i = 0; i < names.size(); i++) {
      p.setProperty("tensor." + i + ".name", names.get(i));
      p.setProperty("tensor." + i + ".shape", joined(shapes.get(i)));
    }
    AtomicFiles.write(
        dir.resolve(MANIFEST), (OutputStream out) -> p.store(out, "teacher output cache"));
  }

  private static String joined(long[] shape) {
    StringBuilder b = new StringBuilder();
    for (long d : shape) {
      b.append(b.length() == 0 ? "" : ",").append(d);
    }
    return b.toString();
  }
}
