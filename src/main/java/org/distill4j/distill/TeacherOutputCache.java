package org.distill4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ErrorWords;
import org.distill4j.data.Compose;
import org.distill4j.data.Sample;
import org.distill4j.data.SegDataset;
import org.distill4j.data.Transform;
import org.distill4j.engine.OwnedArrays;
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
 * weights and taps, the batch size, the training image list and the transforms; a cache with
 * another fingerprint, or with files of the wrong size, is rebuilt.
 */
public final class TeacherOutputCache implements TeacherOutputs, AutoCloseable {
  /** Cached batches also computed by the teacher and compared, at the start of each run. */
  public static final int DEFAULT_VERIFY_BATCHES = 2;

  /** Name under which the logits are stored when the model has no smaller logit source. */
  static final String LOGITS = "logits";

  static final String MANIFEST = "manifest.properties";
  static final String KEYS = "keys.txt";
  private static final String FORMAT = "distill4j-teacher-cache-1";
  private static final String PREFIX = "[TEACHER CACHE] ";

  private final Path dir;
  private final FrozenTeacher teacher;
  private final int batchSize;
  private final String logitSource;
  private final List<StoredTensor> stored;
  private final Map<String, Integer> rows;
  private final Consumer<String> log;
  private int verifyRemaining;
  private String disabledReason;
  private long cachedBatches;
  private long teacherBatches;
  private long verifiedBatches;

  private record StoredTensor(String name, long[] shape, FileChannel channel) {
    long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private TeacherOutputCache(
      Path dir, FrozenTeacher teacher, Properties manifest, int verifyBatches, Consumer<String> log)
      throws IOException {
    this.dir = dir;
    this.teacher = teacher;
    this.log = log;
    this.verifyRemaining = verifyBatches;
    this.batchSize = Integer.parseInt(manifest.getProperty("batch_size"));
    this.logitSource = manifest.getProperty("logit_source");
    List<String> keys = Files.readAllLines(dir.resolve(KEYS), StandardCharsets.US_ASCII);
    this.rows = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      rows.put(keys.get(i), i);
    }
    int count = Integer.parseInt(manifest.getProperty("tensors"));
    this.stored = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        long[] shape =
            Arrays.stream(manifest.getProperty("tensor." + i + ".shape").split(","))
                .mapToLong(Long::parseLong)
                .toArray();
        Path file = dir.resolve(tensorFile(i));
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        StoredTensor t =
            new StoredTensor(manifest.getProperty("tensor." + i + ".name"), shape, channel);
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
    String fingerprint = fingerprint(teacher, logitSource, train, outcomes, batchSize);
    try {
      Properties manifest = readManifest(dir);
      if (manifest != null && fingerprint.equals(manifest.getProperty("fingerprint"))) {
        try {
          TeacherOutputCache cache =
              new TeacherOutputCache(dir, teacher, manifest, verifyBatches, log);
          log.accept(PREFIX + "using " + dir + " (" + cache.size() + " inputs)");
          return cache;
        } catch (IOException | RuntimeException e) {
          log.accept(PREFIX + dir + " is damaged (" + ErrorWords.describe(e) + "); rebuilding");
        }
      } else if (manifest != null) {
        log.accept(
            PREFIX + dir + " was made for another teacher, batch size or training set; rebuilding");
      }
      manifest = build(dir, teacher, logitSource, train, outcomes, batchSize, fingerprint, log);
      return new TeacherOutputCache(dir, teacher, manifest, verifyBatches, log);
    } catch (IOException e) {
      throw new ConfigException(
          "teacher cache " + dir + ": " + ErrorWords.io(e) + "; pick a writable directory", e);
    }
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

  // ---- building ----

  private static Properties build(
      Path dir,
      FrozenTeacher distillTeacher,
      String logitSource,
      SegDataset train,
      List<Compose> outcomes,
      int batchSize,
      String fingerprint,
      Consumer<String> log)
      throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new ConfigException(
          "teacher cache " + dir + " is a file; give a directory (it is created if missing)");
    }
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve(MANIFEST));
    Set<String> names = new LinkedHashSet<>();
    names.add(logitSource);
    names.addAll(distillTeacher.taps());
    List<String> tapNames = new ArrayList<>(names);
    tapNames.remove(LOGITS);
    SegmentationModel model = distillTeacher.model();
    FrozenTeacher recording = new FrozenTeacher(model, tapNames);
    int total = train.size() * outcomes.size();
    long bytes = total * bytesPerInput(model, names, train.get(0, outcomes.get(0), new Random(0)));
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
    Builder b = new Builder(dir, recording, new ArrayList<>(names), batchSize);
    long start = System.nanoTime();
    int seen = 0;
    int nextReport = Math.max(1, total / 10);
    try {
      for (int i = 0; i < train.size(); i++) {
        for (Compose outcome : outcomes) {
          b.add(train.get(i, outcome, new Random(0)));
          seen++;
          if (seen >= nextReport || seen == total) {
            b.flushFullBatches();
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
      b.finish();
    } finally {
      b.closeFiles();
    }
    Properties manifest = new Properties();
    manifest.setProperty("format", FORMAT);
    manifest.setProperty("fingerprint", fingerprint);
    manifest.setProperty("batch_size", Integer.toString(batchSize));
    manifest.setProperty("logit_source", logitSource);
    manifest.setProperty("entries", Integer.toString(b.keys.size()));
    manifest.setProperty("tensors", Integer.toString(b.names.size()));
    for (int i = 0; i < b.names.size(); i++) {
      manifest.setProperty("tensor." + i + ".name", b.names.get(i));
      manifest.setProperty("tensor." + i + ".shape", joined(b.shapes[i]));
    }
    Files.write(dir.resolve(KEYS), b.keys, StandardCharsets.US_ASCII);
    Path tmp = dir.resolve(MANIFEST + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      manifest.store(out, "teacher output cache");
    }
    Files.move(tmp, dir.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING);
    log.accept(
        String.format(
            Locale.ROOT,
            PREFIX + "%d distinct inputs stored, %.1f MiB, %.1f s",
            b.keys.size(),
            b.bytesWritten / (1024.0 * 1024.0),
            (System.nanoTime() - start) / 1e9));
    return manifest;
  }

  /** Bytes one input's stored tensors take, from the tensor shapes of a forward pass. */
  private static long bytesPerInput(SegmentationModel model, Set<String> names, Sample sample) {
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
  static void requireSpace(Path dir, long needed, long usable, Set<String> names) {
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

  /** Collects inputs into batches of the training batch size, runs the teacher, writes records. */
  private static final class Builder {
    final Path dir;
    final FrozenTeacher teacher;
    final List<String> names;
    final int batchSize;
    final long[][] shapes;
    final OutputStream[] files;
    final List<String> keys = new ArrayList<>();
    final Set<String> known = new java.util.HashSet<>();
    final List<Sample> waiting = new ArrayList<>();
    Sample reference;
    long bytesWritten;

    Builder(Path dir, FrozenTeacher teacher, List<String> names, int batchSize) throws IOException {
      this.dir = dir;
      this.teacher = teacher;
      this.names = names;
      this.batchSize = batchSize;
      this.shapes = new long[names.size()][];
      this.files = new OutputStream[names.size()];
      for (int i = 0; i < names.size(); i++) {
        files[i] =
            new java.io.BufferedOutputStream(
                Files.newOutputStream(dir.resolve(tensorFile(i))), 1 << 20);
      }
    }

    void add(Sample s) throws IOException {
      String key = keyOf(s.image, 0, s.image.length);
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
      SegmentationModel model = teacher.model();
      try (NDManager m = model.manager().newSubManager()) {
        NDArray x =
            OwnedArrays.copyOf(
                m, images, new Shape(batch.size(), first.channels, first.height, first.width));
        FrozenTeacher.Output out = teacher.forward(x);
        for (int t = 0; t < names.size(); t++) {
          NDArray a =
              LOGITS.equals(names.get(t)) ? out.logits().head() : out.tensors().get(names.get(t));
          long[] shape = Arrays.copyOfRange(a.getShape().getShape(), 1, a.getShape().dimension());
          shapes[t] = shape;
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

    void closeFiles() throws IOException {
      for (OutputStream f : files) {
        if (f != null) {
          f.close();
        }
      }
    }
  }

  // ---- reading ----

  @Override
  public synchronized FrozenTeacher.Output forward(NDArray images) {
    int[] found = disabledReason == null ? lookUp(images) : null;
    if (found == null) {
      teacherBatches++;
      return teacher.forward(images);
    }
    FrozenTeacher.Output cached = read(found, images);
    if (verifyRemaining > 0) {
      verifyRemaining--;
      FrozenTeacher.Output live = teacher.forward(images);
      String difference = firstDifference(cached, live);
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

  /** The cache row of each image, or null when the batch cannot come from the cache. */
  private int[] lookUp(NDArray images) {
    Shape s = images.getShape();
    if (s.dimension() != 4 || s.get(0) != batchSize) {
      return null;
    }
    float[] values = images.toFloatArray();
    int n = (int) s.get(0);
    int per = values.length / n;
    int[] found = new int[n];
    for (int i = 0; i < n; i++) {
      Integer row = rows.get(keyOf(values, i * per, per));
      if (row == null) {
        return null;
      }
      found[i] = row;
    }
    return found;
  }

  private FrozenTeacher.Output read(int[] found, NDArray images) {
    NDManager manager = images.getManager();
    Shape in = images.getShape();
    NDArray logits = null;
    Map<String, NDArray> tensors = new HashMap<>();
    for (StoredTensor t : stored) {
      float[] values = readRows(t, found);
      long[] shape = new long[t.shape().length + 1];
      shape[0] = found.length;
      System.arraycopy(t.shape(), 0, shape, 1, t.shape().length);
      NDArray a = OwnedArrays.copyOf(manager, values, new Shape(shape));
      if (t.name().equals(logitSource)) {
        logits =
            LOGITS.equals(logitSource) ? a : teacher.model().logitsFrom(a, in.get(2), in.get(3));
      }
      if (teacher.taps().contains(t.name())) {
        tensors.put(t.name(), a);
      }
    }
    return new FrozenTeacher.Output(new NDList(logits), Map.copyOf(tensors));
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

  private static String firstDifference(FrozenTeacher.Output cached, FrozenTeacher.Output live) {
    String d = difference("logits", cached.logits().head(), live.logits().head());
    if (d != null) {
      return d;
    }
    for (Map.Entry<String, NDArray> e : live.tensors().entrySet()) {
      d = difference(e.getKey(), cached.tensors().get(e.getKey()), e.getValue());
      if (d != null) {
        return d;
      }
    }
    return null;
  }

  private static String difference(String name, NDArray cached, NDArray live) {
    if (cached == null || !cached.getShape().equals(live.getShape())) {
      return name
          + " has shape "
          + (cached == null ? "none" : cached.getShape())
          + " in the cache but "
          + live.getShape()
          + " from the teacher";
    }
    float[] a = cached.toFloatArray();
    float[] b = live.toFloatArray();
    int count = 0;
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) {
        count++;
        max = Math.max(max, Math.abs((double) a[i] - b[i]));
      }
    }
    return count == 0
        ? null
        : String.format(
            Locale.ROOT,
            "%s differs in %d of %d values (largest %.3g)",
            name,
            count,
            a.length,
            max);
  }

  // ---- keys, fingerprint, files ----

  /** SHA-256 of {@code length} float32 values from {@code offset}, in hex. */
  static String keyOf(float[] values, int offset, int length) {
    MessageDigest digest = sha256();
    ByteBuffer bytes = ByteBuffer.allocate(length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values, offset, length);
    digest.update(bytes.array());
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String fingerprint(
      FrozenTeacher teacher,
      String logitSource,
      SegDataset train,
      List<Compose> outcomes,
      int batchSize) {
    MessageDigest digest = sha256();
    StringBuilder text = new StringBuilder(FORMAT);
    text.append('\n').append(teacher.model().name());
    text.append('\n')
        .append(logitSource)
        .append(' ')
        .append(new java.util.TreeSet<>(teacher.taps()));
    text.append('\n').append(batchSize).append('\n').append(outcomes);
    for (int i = 0; i < train.size(); i++) {
      text.append('\n').append(train.imagePath(i));
    }
    digest.update(text.toString().getBytes(StandardCharsets.UTF_8));
    for (Pair<String, Parameter> p : teacher.model().block().getParameters()) {
      digest.update(p.getKey().getBytes(StandardCharsets.UTF_8));
      float[] v = p.getValue().getArray().toFloatArray();
      ByteBuffer bytes = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(v);
      digest.update(bytes.array());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java has no SHA-256", e);
    }
  }

  private static Properties readManifest(Path dir) throws IOException {
    Path file = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    Properties p = new Properties();
    try (var in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IllegalArgumentException malformed) {
      return null; // not a manifest this class wrote: rebuilt like a missing one
    }
    return FORMAT.equals(p.getProperty("format")) ? p : null;
  }

  private static String tensorFile(int i) {
    return "tensor-" + i + ".f32";
  }

  private static String joined(long[] shape) {
    StringBuilder b = new StringBuilder();
    for (long d : shape) {
      b.append(b.length() == 0 ? "" : ",").append(d);
    }
    return b.toString();
  }

  // ---- state ----

  public Path directory() {
    return dir;
  }

  /** Number of distinct inputs stored. */
  public int size() {
    return rows.size();
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
    for (StoredTensor t : stored) {
      try {
        t.channel().close();
      } catch (IOException e) {
        // read-only channel: nothing was written that could be lost
      }
    }
  }
}
