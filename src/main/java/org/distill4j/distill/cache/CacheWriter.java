package org.distill4j.distill.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.distill4j.config.ConfigException;
import org.distill4j.data.Sample;
import org.distill4j.engine.OwnedArrays;

/**
 * Collects distinct inputs into batches of the training batch size, runs the teacher on each batch
 * and appends one record per input to each tensor file. Batches keep the training size because the
 * engine's kernels may round differently for another size; the last inputs are padded with repeats
 * to a full batch and only the real ones are written.
 */
final class CacheWriter implements AutoCloseable {
  private final Function<NDArray, Map<String, NDArray>> teacher;
  private final NDManager parent;
  private final List<String> names;
  private final int batchSize;
  private final long[][] shapes;
  private final OutputStream[] files;
  private final List<String> keys = new ArrayList<>();
  private final Set<String> known = new HashSet<>();
  private final List<Sample> waiting = new ArrayList<>();
  private Sample reference;
  private long bytesWritten;

  /**
   * @param teacher runs the teacher on a batch and returns every stored tensor by name
   * @param parent the manager under which each batch's arrays are made and freed
   */
  CacheWriter(
      Path dir,
      Function<NDArray, Map<String, NDArray>> teacher,
      NDManager parent,
      List<String> names,
      int batchSize)
      throws IOException {
    this.teacher = teacher;
    this.parent = parent;
    this.names = names;
    this.batchSize = batchSize;
    this.shapes = new long[names.size()][];
    this.files = new OutputStream[names.size()];
    for (int i = 0; i < names.size(); i++) {
      files[i] =
          new BufferedOutputStream(
              Files.newOutputStream(CacheManifest.tensorFile(dir, i)), 1 << 20);
    }
  }

  void add(Sample s) throws IOException {
    String key = CacheFingerprints.keyOf(s.image, 0, s.image.length);
    if (!known.add(key)) {
      return; // an outcome equal to another (e.g. a symmetric image flipped)
    }
    if (reference == null) {
      reference = s;
    } else if (reference.channels != s.channels
        || reference.height != s.height
        || reference.width != s.width) {
      throw new ConfigException(
          "teacher cache: "
              + s.imagePath
              + " becomes "
              + s
              + " but "
              + reference.imagePath
              + " becomes "
              + reference
              + "; training batches need one input size (add a Resize to the transforms)");
    }
    keys.add(key);
    waiting.add(s);
  }

  void flushFullBatches() throws IOException {
    while (waiting.size() >= batchSize) {
      run(new ArrayList<>(waiting.subList(0, batchSize)), batchSize);
      waiting.subList(0, batchSize).clear();
    }
  }

  /** The last inputs go in one batch of the full size, filled up with repeats. */
  void finish() throws IOException {
    flushFullBatches();
    if (waiting.isEmpty()) {
      return;
    }
    int real = waiting.size();
    List<Sample> batch = new ArrayList<>(waiting);
    for (int i = 0; batch.size() < batchSize; i++) {
      batch.add(waiting.get(i % real));
    }
    run(batch, real);
    waiting.clear();
  }

  private void run(List<Sample> batch, int keep) throws IOException {
    Sample first = batch.get(0);
    int per = first.image.length;
    float[] images = new float[per * batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      System.arraycopy(batch.get(i).image, 0, images, i * per, per);
    }
    try (NDManager m = parent.newSubManager()) {
      NDArray x =
          OwnedArrays.copyOf(
              m, images, new Shape(batch.size(), first.channels, first.height, first.width));
      Map<String, NDArray> out = teacher.apply(x);
      for (int t = 0; t < names.size(); t++) {
        NDArray a = out.get(names.get(t));
        shapes[t] = Arrays.copyOfRange(a.getShape().getShape(), 1, a.getShape().dimension());
        float[] values = a.toFloatArray();
        int elements = values.length / batch.size();
        ByteBuffer bytes =
            ByteBuffer.allocate(elements * keep * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values, 0, elements * keep);
        files[t].write(bytes.array());
        bytesWritten += bytes.capacity();
      }
    }
  }

  List<String> keys() {
    return keys;
  }

  List<long[]> shapes() {
    return Arrays.asList(shapes);
  }

  long bytesWritten() {
    return bytesWritten;
  }

  @Override
  public void close() throws IOException {
    for (OutputStream f : files) {
      if (f != null) {
        f.close();
      }
    }
  }
}
