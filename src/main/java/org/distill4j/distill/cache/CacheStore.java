package org.distill4j.distill.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.config.ErrorWords;
import org.distill4j.engine.OwnedArrays;

/**
 * An opened cache directory: which row holds each input key, and the stored tensors read back by
 * row. Opening checks every tensor file's size against the manifest, so a cut file is found before
 * training starts.
 */
public final class CacheStore implements AutoCloseable {
  private final Path dir;
  private final CacheManifest manifest;
  private final Map<String, Integer> rows = new HashMap<>();
  private final List<StoredTensor> stored = new ArrayList<>();

  private record StoredTensor(String name, long[] shape, FileChannel channel) {
    long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /**
   * @throws IOException when a file is missing or has another size than the manifest says
   */
  public CacheStore(Path dir, CacheManifest manifest) throws IOException {
    this.dir = dir;
    this.manifest = manifest;
    List<String> keys =
        Files.readAllLines(dir.resolve(CacheManifest.KEYS), StandardCharsets.US_ASCII);
    for (int i = 0; i < keys.size(); i++) {
      rows.put(keys.get(i), i);
    }
    try {
      for (int i = 0; i < manifest.names().size(); i++) {
        Path file = CacheManifest.tensorFile(dir, i);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        StoredTensor t =
            new StoredTensor(manifest.names().get(i), manifest.shapes().get(i), channel);
        stored.add(t);
        long expected = t.elements() * Float.BYTES * keys.size();
        if (channel.size() != expected) {
          throw new IOException(file + " has " + channel.size() + " bytes, expected " + expected);
        }
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  public CacheManifest manifest() {
    return manifest;
  }

  /** Number of distinct inputs stored. */
  public int size() {
    return rows.size();
  }

  /**
   * The cache row of each image of a {@code (N, C, H, W)} batch, or null when the batch cannot come
   * from the cache (another batch size, or any input not stored).
   */
  public int[] lookUp(NDArray images) {
    Shape s = images.getShape();
    if (s.dimension() != 4 || s.get(0) != manifest.batchSize()) {
      return null;
    }
    float[] values = images.toFloatArray();
    int n = (int) s.get(0);
    int per = values.length / n;
    int[] found = new int[n];
    for (int i = 0; i < n; i++) {
      Integer row = rows.get(CacheFingerprints.keyOf(values, i * per, per));
      if (row == null) {
        return null;
      }
      found[i] = row;
    }
    return found;
  }

  /** The stored tensors of rows {@code found}, batched in that order, by name. */
  public Map<String, NDArray> read(int[] found, NDManager manager) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (StoredTensor t : stored) {
      float[] values = readRows(t, found);
      long[] shape = new long[t.shape().length + 1];
      shape[0] = found.length;
      System.arraycopy(t.shape(), 0, shape, 1, t.shape().length);
      out.put(t.name(), OwnedArrays.copyOf(manager, values, new Shape(shape)));
    }
    return out;
  }

  private float[] readRows(StoredTensor t, int[] found) {
    int elements = Math.toIntExact(t.elements());
    float[] out = new float[elements * found.length];
    ByteBuffer bytes = ByteBuffer.allocate(elements * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    try {
      for (int i = 0; i < found.length; i++) {
        bytes.clear();
        long position = (long) found[i] * elements * Float.BYTES;
        while (bytes.hasRemaining()) {
          if (t.channel().read(bytes, position + bytes.position()) < 0) {
            throw new IOException("unexpected end of file");
          }
        }
        bytes.flip();
        bytes.asFloatBuffer().get(out, i * elements, elements);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "teacher cache " + dir + ": cannot read " + t.name() + ": " + ErrorWords.io(e), e);
    }
    return out;
  }

  @Override
  public void close() {
    for (StoredTensor t : stored) {
      try {
        t.channel().close();
      } catch (IOException e) {
        // read-only channel: nothing was written that could be lost
      }
    }
  }
}
