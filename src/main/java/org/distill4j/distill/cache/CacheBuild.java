package org.distill4j.distill.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.distill4j.config.ConfigException;
import org.distill4j.data.Compose;
import org.distill4j.data.Sample;
import org.distill4j.data.SegDataset;
import org.distill4j.models.SegmentationModel;

/**
 * Builds a cache directory: checks the space, runs the teacher over every training image and
 * transform outcome ({@link CacheWriter}), then writes {@code keys.txt} and, last, the manifest.
 */
public final class CacheBuild {
  /** Name under which the logits are stored when the model has no smaller logit source. */
  public static final String LOGITS = "logits";

  static final String PREFIX = "[TEACHER CACHE] ";

  private final Path dir;
  private final SegmentationModel model;
  private final Function<NDArray, Map<String, NDArray>> teacher;
  private final Consumer<String> log;

  /**
   * @param model the teacher model (shapes, manager)
   * @param teacher runs the teacher on a batch and returns every tensor to store, by name
   */
  public CacheBuild(
      Path dir,
      SegmentationModel model,
      Function<NDArray, Map<String, NDArray>> teacher,
      Consumer<String> log) {
    this.dir = dir;
    this.model = model;
    this.teacher = teacher;
    this.log = log;
  }

  /**
   * Computes and stores the tensors {@code names} for every input of {@code train} under {@code
   * outcomes}, in batches of {@code batchSize}, and returns the manifest written last.
   */
  public CacheManifest run(
      Set<String> names,
      String logitSource,
      SegDataset train,
      List<Compose> outcomes,
      int batchSize,
      String fingerprint)
      throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new ConfigException(
          "teacher cache " + dir + " is a file; give a directory (it is created if missing)");
    }
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve(CacheManifest.MANIFEST));
    int total = train.size() * outcomes.size();
    long bytes = total * bytesPerInput(names, train.get(0, outcomes.get(0), new Random(0)));
    log.accept(
        String.format(
            Locale.ROOT,
            PREFIX
                + "computing the teacher's output for %d images x %d transform outcomes into %s"
                + " (at most %.1f MiB)",
            train.size(),
            outcomes.size(),
            dir,
            bytes / (1024.0 * 1024.0)));
    requireSpace(dir, bytes, Files.getFileStore(dir).getUsableSpace(), names);
    long start = System.nanoTime();
    List<String> ordered = new ArrayList<>(names);
    CacheManifest manifest;
    try (CacheWriter w = new CacheWriter(dir, teacher, model.manager(), ordered, batchSize)) {
      writeAll(w, train, outcomes, start);
      manifest = new CacheManifest(fingerprint, batchSize, logitSource, ordered, w.shapes());
      w.close();
      Files.write(dir.resolve(CacheManifest.KEYS), w.keys(), StandardCharsets.US_ASCII);
      manifest.write(dir, w.keys().size());
      log.accept(
          String.format(
              Locale.ROOT,
              PREFIX + "%d distinct inputs stored, %.1f MiB, %.1f s",
              w.keys().size(),
              w.bytesWritten() / (1024.0 * 1024.0),
              (System.nanoTime() - start) / 1e9));
    }
    return manifest;
  }

  private void writeAll(CacheWriter w, SegDataset train, List<Compose> outcomes, long start)
      throws IOException {
    int total = train.size() * outcomes.size();
    int seen = 0;
    int nextReport = Math.max(1, total / 10);
    for (int i = 0; i < train.size(); i++) {
      for (Compose outcome : outcomes) {
        w.add(train.get(i, outcome, new Random(0)));
        seen++;
        if (seen >= nextReport || seen == total) {
          w.flushFullBatches();
          log.accept(
              String.format(
                  Locale.ROOT,
                  PREFIX + "%d/%d inputs, %.1f s",
                  seen,
                  total,
                  (System.nanoTime() - start) / 1e9));
          nextReport += Math.max(1, total / 10);
        }
      }
    }
    w.finish();
  }

  /** Bytes one input's stored tensors take, from the tensor shapes of a forward pass. */
  private long bytesPerInput(Set<String> names, Sample sample) {
    Map<String, Shape> shapes =
        model.tapShapes(new Shape(1, sample.channels, sample.height, sample.width));
    long elements = 0;
    for (String name : names) {
      elements +=
          LOGITS.equals(name)
              ? (long) model.numClasses() * sample.height * sample.width
              : shapes.get(model.resolveTapPath(name)).size();
    }
    return elements * Float.BYTES;
  }

  /** Refuses to start a cache that cannot fit, before writing anything large. */
  public static void requireSpace(Path dir, long needed, long usable, Set<String> names) {
    if (needed > usable) {
      throw new ConfigException(
          String.format(
              Locale.ROOT,
              "teacher cache %s needs up to %.1f GiB for %s but only %.1f GiB are free there; pick"
                  + " another directory, free space, or distill fewer intermediate tensors",
              dir,
              needed / (double) (1L << 30),
              names,
              usable / (double) (1L << 30)));
    }
  }
}
