package org.distill4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ErrorWords;
import org.distill4j.data.Compose;
import org.distill4j.data.SegDataset;
import org.distill4j.data.transforms.Transform;
import org.distill4j.distill.cache.BitwiseComparison;
import org.distill4j.distill.cache.CacheBuild;
import org.distill4j.distill.cache.CacheFingerprints;
import org.distill4j.distill.cache.CacheManifest;
import org.distill4j.distill.cache.CacheStore;
import org.distill4j.models.SegmentationModel;

/**
 * The frozen teacher's output for every input a training run can show it, computed once and kept on
 * disk, so a distillation step reads the teacher's logits and tapped tensors instead of running the
 * teacher. Possible when the training transforms have a finite list of outcomes per image ({@link
 * Compose#outcomes()}): the tutorial's Resize + RandomHorizontalFlip + Normalize gives each image
 * two inputs, unflipped and flipped.
 *
 * <p><b>Same results as without the cache.</b> An entry is keyed by the SHA-256 of the input
 * image's float32 values and used only for that very input; a batch with any input the cache lacks,
 * or of another size than the cache was computed with, is sent to the teacher. Entries are computed
 * in batches of the training batch size because the engine's kernels may round differently for
 * another batch size (on a CPU, a batch of one differs from a batch of four in the last bits, while
 * batches of two and four agree image by image). The first {@code verifyBatches} cached batches of
 * a run are also computed by the teacher and compared bit for bit; on any difference the cache is
 * switched off for the rest of the run with a message, so a run with the cache trains exactly as
 * one without.
 *
 * <p><b>Compact.</b> Where the model's logits are a resize of a smaller tensor ({@link
 * SegmentationModel#logitSourceTap()}: DeepLabV3P's head logit at a quarter of the input size),
 * that tensor is stored and resized on reading: 16 times smaller than the logits themselves.
 *
 * <p><b>On disk</b>, in its directory: {@code manifest.properties} (format, fingerprint, batch
 * size, tensor names and shapes, written last, so an interrupted build leaves no manifest), {@code
 * keys.txt} (one input key per line) and one {@code tensor-<i>.f32} per stored tensor
 * (little-endian float32, one fixed-size record per key). The fingerprint covers the teacher's
 * weights, taps and precision ({@code teacher_amp}), the batch size, the training image list and
 * the transforms; a cache with another fingerprint, or with files of the wrong size, is rebuilt.
 *
 * <p>This class opens or builds the cache and serves batches; the file format, fingerprints,
 * building, reading and the bit-for-bit check live in {@link org.distill4j.distill.cache}.
 */
public final class TeacherOutputCache implements TeacherOutputs, AutoCloseable {
  /** Cached batches also computed by the teacher and compared, at the start of each run. */
  public static final int DEFAULT_VERIFY_BATCHES = 2;

  /** Name under which the logits are stored when the model has no smaller logit source. */
  static final String LOGITS = CacheBuild.LOGITS;

  static final String MANIFEST = CacheManifest.MANIFEST;
  static final String KEYS = CacheManifest.KEYS;
  private static final String PREFIX = "[TEACHER CACHE] ";

  private final Path dir;
  private final FrozenTeacher teacher;
  private final CacheStore store;
  private final Consumer<String> log;
  private int verifyRemaining;
  private String disabledReason;
  private long cachedBatches;
  private long teacherBatches;
  private long verifiedBatches;

  private TeacherOutputCache(
      Path dir, FrozenTeacher teacher, CacheStore store, int verifyBatches, Consumer<String> log) {
    this.dir = dir;
    this.teacher = teacher;
    this.store = store;
    this.log = log;
    this.verifyRemaining = verifyBatches;
  }

  /**
   * Opens the cache in {@code dir}, building it first when there is none or it was made for another
   * teacher, batch size or training data. Building runs the teacher once per listed input, with
   * progress lines to {@code log}.
   *
   * @param teacher the teacher as the distillation uses it (its taps are stored too)
   * @param train the training dataset (its transforms must have listable outcomes)
   * @param batchSize the training batch size per device
   * @param verifyBatches how many cached batches to check against the teacher at the start
   * @throws ConfigException when the transforms' outcomes cannot be listed or the directory cannot
   *     be used
   */
  public static TeacherOutputCache openOrBuild(
      Path dir,
      FrozenTeacher teacher,
      SegDataset train,
      int batchSize,
      int verifyBatches,
      Consumer<String> log) {
    List<Compose> outcomes = outcomesOf(train);
    SegmentationModel model = teacher.model();
    String logitSource = model.logitSourceTap().orElse(LOGITS);
    String fingerprint =
        CacheFingerprints.fingerprint(
            model, teacher.computation(), teacher.taps(), logitSource, train, outcomes, batchSize);
    try {
      CacheManifest manifest = readOrNull(dir, log);
      if (manifest != null && fingerprint.equals(manifest.fingerprint())) {
        try {
          TeacherOutputCache cache =
              new TeacherOutputCache(
                  dir, teacher, new CacheStore(dir, manifest), verifyBatches, log);
          log.accept(PREFIX + "using " + dir + " (" + cache.size() + " inputs)");
          return cache;
        } catch (IOException | RuntimeException e) {
          log.accept(PREFIX + dir + " is damaged (" + ErrorWords.describe(e) + "); rebuilding");
        }
      } else if (manifest != null) {
        log.accept(
            PREFIX
                + dir
                + " was made for another teacher, teacher computation, batch size or training set;"
                + " rebuilding");
      }
      manifest = build(dir, teacher, logitSource, train, outcomes, batchSize, fingerprint, log);
      return new TeacherOutputCache(
          dir, teacher, new CacheStore(dir, manifest), verifyBatches, log);
    } catch (IOException e) {
      throw new ConfigException(
          "teacher cache " + dir + ": " + ErrorWords.io(e) + "; pick a writable directory", e);
    }
  }

  /** The manifest in {@code dir}; null (rebuilt) when missing, of another format or damaged. */
  private static CacheManifest readOrNull(Path dir, Consumer<String> log) {
    try {
      return CacheManifest.read(dir);
    } catch (IOException | RuntimeException e) {
      log.accept(PREFIX + dir + " is damaged (" + ErrorWords.describe(e) + "); rebuilding");
      return null;
    }
  }

  private static CacheManifest build(
      Path dir,
      FrozenTeacher distillTeacher,
      String logitSource,
      SegDataset train,
      List<Compose> outcomes,
      int batchSize,
      String fingerprint,
      Consumer<String> log)
      throws IOException {
    Set<String> names = new LinkedHashSet<>();
    names.add(logitSource);
    names.addAll(distillTeacher.taps());
    List<String> tapNames = new ArrayList<>(names);
    tapNames.remove(LOGITS);
    SegmentationModel model = distillTeacher.model();
    FrozenTeacher recording = new FrozenTeacher(model, tapNames, distillTeacher.precision());
    return new CacheBuild(dir, model, x -> named(recording.forward(x)), log)
        .run(names, logitSource, train, outcomes, batchSize, fingerprint);
  }

  /** A teacher output as named tensors: the logits under {@link #LOGITS}, then every tap. */
  private static Map<String, NDArray> named(FrozenTeacher.Output out) {
    Map<String, NDArray> all = new LinkedHashMap<>();
    all.put(LOGITS, out.logits().head());
    all.putAll(out.tensors());
    return all;
  }

  private static List<Compose> outcomesOf(SegDataset train) {
    Compose transforms =
        train
            .sampleTransforms()
            .orElseThrow(
                () ->
                    new ConfigException(
                        "teacher cache: the training dataset "
                            + train.getClass().getSimpleName()
                            + " does not read its samples through transforms the cache can list;"
                            + " run without the teacher cache"));
    return transforms
        .outcomes()
        .orElseThrow(
            () ->
                new ConfigException(
                    "teacher cache: train_dataset transform "
                        + unlistable(transforms)
                        + " has too many outcomes to precompute; the cache works with fixed"
                        + " transforms and random flips (e.g. Resize, RandomHorizontalFlip,"
                        + " Normalize). Run without the teacher cache"));
  }

  private static String unlistable(Compose transforms) {
    for (Transform t : transforms.transforms()) {
      if (t.outcomes().isEmpty()) {
        return t.toString();
      }
    }
    return transforms.toString();
  }

  /** Refuses to start a cache that cannot fit, before writing anything large. */
  static void requireSpace(Path dir, long needed, long usable, Set<String> names) {
    CacheBuild.requireSpace(dir, needed, usable, names);
  }

  /** SHA-256 of {@code length} float32 values from {@code offset}, in hex. */
  static String keyOf(float[] values, int offset, int length) {
    return CacheFingerprints.keyOf(values, offset, length);
  }

  // ---- serving batches ----

  @Override
  public synchronized FrozenTeacher.Output forward(NDArray images) {
    int[] found = disabledReason == null ? store.lookUp(images) : null;
    if (found == null) {
      teacherBatches++;
      return teacher.forward(images);
    }
    FrozenTeacher.Output cached = read(found, images);
    if (verifyRemaining > 0) {
      verifyRemaining--;
      FrozenTeacher.Output live = teacher.forward(images);
      String difference = BitwiseComparison.firstDifference(named(cached), named(live));
      if (difference != null) {
        disabledReason = difference;
        log.accept(
            PREFIX
                + "off for the rest of this run: "
                + difference
                + "; the engine rounds this batch differently from the batch the cache was made"
                + " from, so the teacher runs on every batch");
        teacherBatches++;
        return live;
      }
      verifiedBatches++;
    }
    cachedBatches++;
    return cached;
  }

  /** The cached output of rows {@code found}: logits resized from their source where stored so. */
  private FrozenTeacher.Output read(int[] found, NDArray images) {
    String logitSource = store.manifest().logitSource();
    long height = images.getShape().get(2);
    long width = images.getShape().get(3);
    NDArray logits = null;
    Map<String, NDArray> tensors = new HashMap<>();
    for (Map.Entry<String, NDArray> e : store.read(found, images.getManager()).entrySet()) {
      NDArray a = e.getValue();
      if (e.getKey().equals(logitSource)) {
        logits = LOGITS.equals(logitSource) ? a : teacher.model().logitsFrom(a, height, width);
      }
      if (teacher.taps().contains(e.getKey())) {
        tensors.put(e.getKey(), a);
      }
    }
    return new FrozenTeacher.Output(new NDList(logits), Map.copyOf(tensors));
  }

  // ---- state ----

  public Path directory() {
    return dir;
  }

  /** Number of distinct inputs stored. */
  public int size() {
    return store.size();
  }

  /** Batches whose teacher output came from the cache so far. */
  public synchronized long cachedBatches() {
    return cachedBatches;
  }

  /**
   * Batches the teacher computed (inputs not cached, another batch size, or cache switched off).
   */
  public synchronized long teacherBatches() {
    return teacherBatches;
  }

  /** Why the cache was switched off in this run, or null while it is on. */
  public synchronized String disabledReason() {
    return disabledReason;
  }

  /** One line for the end of a run. */
  public synchronized String summary() {
    return String.format(
        Locale.ROOT,
        PREFIX
            + "%d batches from the cache (%d of them checked against the teacher), %d computed"
            + " by the teacher%s",
        cachedBatches,
        verifiedBatches,
        teacherBatches,
        disabledReason == null ? "" : "; switched off: " + disabledReason);
  }

  @Override
  public void close() {
    store.close();
  }
}
