package org.distill4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.distill4j.config.Amp;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.Overrides;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.data.OpticDiscSeg;
import org.distill4j.data.SegDataset;
import org.distill4j.data.loader.Batch;
import org.distill4j.data.loader.DataLoader;
import org.distill4j.distill.DistillSetup;
import org.distill4j.distill.FrozenTeacher;
import org.distill4j.eval.SegEvaluator;
import org.distill4j.models.SegmentationModel;
import org.distill4j.synthetic.SyntheticFundusGenerator;
import org.distill4j.train.IterationLog;
import org.distill4j.train.TrainingListener;
import org.distill4j.train.TrainingSetup;

/**
 * Times what a distillation run is made of, for a teacher and a student config at one square input
 * size and batch: a training step of each model, a distillation step (KL on the logits, and KL plus
 * the channel-wise loss on two decoder tensors), the teacher's inference forward, evaluation and
 * the data loader; optionally the resident memory over a long run. A step's time is its {@code
 * batch_cost} minus its {@code reader_cost} (the wait for data), after {@code warmup} steps.
 *
 * <p>The teacher needs no trained weights: its freshly initialised weights are saved and loaded as
 * its {@code pretrained}, which costs the same per step as trained ones.
 */
public final class Benchmark {
  /** The parts that run the teacher as a frozen model, from saved initial weights. */
  private static final Set<BenchPart> WITH_TEACHER =
      EnumSet.of(
          BenchPart.DISTILL, BenchPart.DISTILL_FEATURES, BenchPart.CACHE, BenchPart.INFERENCE);

  /** The parts timed step by step with {@link StepTimer}, the ones a profile can record. */
  private static final Set<BenchPart> PROFILED =
      EnumSet.of(
          BenchPart.TRAIN_STUDENT,
          BenchPart.TRAIN_TEACHER,
          BenchPart.DISTILL,
          BenchPart.DISTILL_FEATURES,
          BenchPart.CACHE,
          BenchPart.INFERENCE);

  private final Path teacherConfig;
  private final Path studentConfig;
  private final int size;
  private final int batchSize;
  private final int warmup;
  private final int steps;
  private final int numWorkers;
  private final int memoryIters;
  private final Amp amp;
  private final Amp teacherAmp;
  private final Set<BenchPart> parts;
  private final Path workDir;
  private final Consumer<String> log;
  private final StepTimer timer;
  private final DistillTimings distill;
  private Path dataRoot;

  private Benchmark(Builder b) {
    this.teacherConfig = b.teacherConfig;
    this.studentConfig = b.studentConfig;
    this.size = b.size;
    this.batchSize = b.batchSize;
    this.warmup = b.warmup;
    this.steps = b.steps;
    this.numWorkers = b.numWorkers;
    this.memoryIters = b.memoryIters;
    this.amp = b.amp;
    this.teacherAmp = b.teacherAmp;
    this.parts = b.parts;
    this.workDir = b.workDir;
    this.log = b.log;
    this.timer = new StepTimer(warmup, steps, numWorkers, b.profileTrace, log);
    this.distill = new DistillTimings(timer, workDir, log);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Runs every measurement and returns them. */
  public BenchReport run() {
    BenchReport report = new BenchReport();
    report.context(
        "engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
    report.context("cores", Runtime.getRuntime().availableProcessors());
    report.context("input", size + "x" + size + ", batch " + batchSize);
    report.context("warmup, steps", warmup + ", " + steps);
    report.context("amp", amp.configName());
    report.context("teacher_amp", teacherAmp.configName());
    int iters = warmup + steps;
    dataRoot = benchData();
    report.context(
        "data", dataRoot == null ? "the student config's datasets" : "synthetic, seed 0");
    ResolvedConfig student = derive(studentConfig, "student", iters);
    ResolvedConfig teacherPlain = derive(teacherConfig, "teacher", iters);
    boolean needsTeacherWeights = memoryIters > 0 || !Collections.disjoint(parts, WITH_TEACHER);
    ResolvedConfig teacher = needsTeacherWeights ? withInitialWeights(teacherPlain) : null;

    if (parts.contains(BenchPart.TRAIN_STUDENT)) {
      report.timing("train step ms, student", trainStep(student));
    }
    if (parts.contains(BenchPart.TRAIN_TEACHER)) {
      report.timing("train step ms, teacher", trainStep(teacherPlain));
    }
    if (parts.contains(BenchPart.DISTILL)) {
      report.timing("distill step ms, KL", distill.distillStep(teacher, student, null));
    }
    if (parts.contains(BenchPart.DISTILL_FEATURES)) {
      report.timing(
          "distill step ms, KL + channel-wise x2",
          distill.distillStep(teacher, student, DistillTimings.featureSpec()));
    }
    if (parts.contains(BenchPart.CACHE)) {
      distill
          .cachedDistillStep(teacher, student, report)
          .ifPresent(ms -> report.timing("distill step ms, KL, teacher cache", ms));
    }
    if (parts.contains(BenchPart.INFERENCE)) {
      report.timing("teacher inference forward ms", teacherForward(teacher));
    }
    if (parts.contains(BenchPart.EVAL)) {
      report.value("eval images/s, student", evalImagesPerSecond(student));
    }
    if (parts.contains(BenchPart.LOADER)) {
      report.value("loader batches/s, " + numWorkers + " workers", loaderBatchesPerSecond(student));
    }
    if (memoryIters > 0) {
      memory(report, "train", derive(studentConfig, "student_memory", memoryIters), null);
      memory(report, "distill", derive(studentConfig, "student_memory", memoryIters), teacher);
    }
    report.value("peak RSS MiB", ProcessMemory.peakResidentMiB());
    return report;
  }

  private ResolvedConfig derive(Path config, String name, int iters) {
    return BenchConfigs.derive(
        config, workDir, name, size, batchSize, iters, dataRoot, amp, teacherAmp);
  }

  /**
   * Null when the student config's training set is on disk (the benchmark then reads it, so loader
   * figures are the user's); otherwise the synthetic set generated into the work directory, so the
   * benchmark never needs real data or a download.
   */
  Path benchData() {
    ConfigMap train = ConfigLoader.load(studentConfig).root().getMap("train_dataset");
    Path configured = Path.of(train.optString("dataset_root", OpticDiscSeg.DEFAULT_ROOT));
    if (Files.isDirectory(configured)) {
      log.accept("data: " + configured + " (the student config's dataset_root)");
      return null;
    }
    Path generated = workDir.resolve("synthetic_optic_disc_seg");
    long t0 = System.nanoTime();
    SyntheticFundusGenerator.builder().optSeed(0).build().generate(generated);
    log.accept(
        String.format(
            Locale.ROOT,
            "data: %s not found; generated the synthetic set (seed 0) in %.1f s instead:"
                + " the timings do not depend on the images",
            configured,
            (System.nanoTime() - t0) / 1e9));
    return generated;
  }

  private ResolvedConfig withInitialWeights(ResolvedConfig teacher) {
    Path weights = workDir.resolve("teacher_initial");
    try (TrainingSetup setup = TrainingSetup.fromConfig(teacher, 0)) {
      setup.model().saveWeights(weights, "model");
    }
    return ConfigLoader.load(
        teacher.source(), Map.of(Overrides.MODEL_PRETRAINED, weights.toString()));
  }

  Samples trainStep(ResolvedConfig config) {
    log.accept("timing a training step of " + config.seg().model().getString("type") + " ...");
    try (TrainingSetup setup = TrainingSetup.fromConfig(config, 0)) {
      return timer.timed(setup.trainer(timer.options()));
    }
  }

  /**
   * The teacher's forward pass as a distillation step runs it ({@link FrozenTeacher}, in {@code
   * amp}'s precision: in bf16 with its weights rounded once).
   */
  Samples teacherForward(ResolvedConfig teacher) {
    log.accept("timing the teacher's inference forward ...");
    try (TrainingSetup setup = TrainingSetup.fromConfig(teacher, 0)) {
      SegmentationModel model = setup.model(); // its pretrained weights are loaded when built
      FrozenTeacher frozen = new FrozenTeacher(model, List.of(), amp);
      try (NDManager manager = model.manager().newSubManager()) {
        return timer.timedCalls(
            () -> {
              try (NDManager step = manager.newSubManager()) {
                NDArray x = step.randomNormal(new Shape(batchSize, 3, size, size));
                long t0 = System.nanoTime();
                frozen.forward(x).logits().get(0).sum().getFloat();
                return (System.nanoTime() - t0) / 1e6;
              }
            });
      }
    }
  }

  double evalImagesPerSecond(ResolvedConfig student) {
    log.accept("timing evaluation ...");
    try (TrainingSetup setup = TrainingSetup.fromConfig(student, 0)) {
      SegDataset val =
          setup
              .valDataset()
              .orElseThrow(
                  () ->
                      new ConfigException(
                          student.source()
                              + ": val_dataset: missing; the benchmark evaluates on it"));
      SegEvaluator.evaluate(setup.model(), val); // warm-up pass
      long t0 = System.nanoTime();
      SegEvaluator.evaluate(setup.model(), val);
      return val.size() / ((System.nanoTime() - t0) / 1e9);
    }
  }

  double loaderBatchesPerSecond(ResolvedConfig student) {
    log.accept("timing the data loader ...");
    try (TrainingSetup setup = TrainingSetup.fromConfig(student, 0);
        DataLoader loader =
            DataLoader.builder()
                .setDataset(setup.trainDataset())
                .setBatchSize(batchSize)
                .optShuffle(true)
                .optDropLast(true)
                .optNumWorkers(numWorkers)
                .build()) {
      int batches = Math.max(20, steps);
      Iterator<Batch> stream = loader.stream(0, batches + 1L);
      stream.next(); // the first batch includes starting the workers
      long t0 = System.nanoTime();
      for (int i = 0; i < batches; i++) {
        stream.next();
      }
      return batches / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private void memory(
      BenchReport report, String what, ResolvedConfig student, ResolvedConfig teacher) {
    log.accept("measuring resident memory over " + memoryIters + " " + what + " iterations ...");
    int early = Math.min(100, memoryIters);
    double[] rss = new double[2];
    TrainingListener sampler =
        new TrainingListener() {
          @Override
          public void onIteration(IterationLog it) {
            if (it.iteration() == early) {
              rss[0] = ProcessMemory.residentMiB();
            }
            if (it.iteration() == memoryIters) {
              rss[1] = ProcessMemory.residentMiB();
            }
          }
        };
    if (teacher == null) {
      try (TrainingSetup setup = TrainingSetup.fromConfig(student, 0)) {
        setup.trainer(timer.options()).addListener(sampler).build().train();
      }
    } else {
      try (DistillSetup setup = DistillSetup.fromConfigs(teacher, student, null, 0)) {
        setup.trainer(timer.options()).addListener(sampler).build().train();
      }
    }
    report.value(what + " RSS MiB at iteration " + early, rss[0]);
    report.value(what + " RSS MiB at iteration " + memoryIters, rss[1]);
    report.value(what + " RSS growth %", 100 * (rss[1] - rss[0]) / rss[0]);
  }

  /** Benchmark settings; defaults: 128x128, batch 4, 5 warm-up and 20 timed steps, 2 workers. */
  public static final class Builder {
    private Path teacherConfig;
    private Path studentConfig;
    private int size = 128;
    private int batchSize = 4;
    private int warmup = 5;
    private int steps = 20;
    private int numWorkers = 2;
    private int memoryIters;
    private Amp amp = Amp.NONE;
    private Amp teacherAmp = Amp.NONE;
    private Set<BenchPart> parts = EnumSet.allOf(BenchPart.class);
    private Path profileTrace;
    private Path workDir;
    private Consumer<String> log = line -> {};

    private Builder() {}

    public Builder setConfigs(Path teacher, Path student) {
      this.teacherConfig = teacher;
      this.studentConfig = student;
      return this;
    }

    public Builder optSize(int size) {
      this.size = positive("size", size);
      return this;
    }

    public Builder optBatchSize(int batchSize) {
      this.batchSize = positive("batch_size", batchSize);
      return this;
    }

    public Builder optSteps(int warmup, int steps) {
      this.warmup = Math.max(0, warmup);
      this.steps = positive("steps", steps);
      return this;
    }

    /**
     * Mixed precision of the timed training steps (the model being trained) and of the timed
     * inference forward (the frozen teacher's, see {@link FrozenTeacher}); a distillation step's
     * teacher follows {@link #optTeacherAmp}. Default {@link Amp#NONE}.
     */
    public Builder optAmp(Amp amp) {
      this.amp = java.util.Objects.requireNonNull(amp, "amp");
      return this;
    }

    /**
     * The frozen teacher's precision in the distillation steps (the student config's {@code
     * teacher_amp}). Default {@link Amp#NONE}: float32, as in training.
     */
    public Builder optTeacherAmp(Amp teacherAmp) {
      this.teacherAmp = java.util.Objects.requireNonNull(teacherAmp, "teacherAmp");
      return this;
    }

    public Builder optNumWorkers(int numWorkers) {
      this.numWorkers = Math.max(0, numWorkers);
      return this;
    }

    /** Also measure resident memory at iteration 100 and at {@code iters} (0: skip). */
    public Builder optMemoryIters(int iters) {
      this.memoryIters = Math.max(0, iters);
      return this;
    }

    /** Only these measurements (default: all of them). */
    public Builder optOnly(Set<BenchPart> parts) {
      if (parts.isEmpty()) {
        throw new ConfigException("bench: --only: name at least one part");
      }
      this.parts = EnumSet.copyOf(parts);
      return this;
    }

    /**
     * Also profile the timed steps of the first training, distillation or inference part measured
     * with libtorch's profiler, write its Chrome trace to {@code trace} and log the operators with
     * the most host time ({@link OpProfile}). Choose the part with {@link #optOnly}.
     */
    public Builder optProfile(Path trace) {
      this.profileTrace = trace;
      return this;
    }

    /** Where the derived configs and the teacher's initial weights go. */
    public Builder setWorkDir(Path workDir) {
      this.workDir = workDir;
      return this;
    }

    public Builder optLog(Consumer<String> log) {
      this.log = log;
      return this;
    }

    public Benchmark build() {
      if (teacherConfig == null || studentConfig == null || workDir == null) {
        throw new IllegalStateException("set the two configs and the work directory");
      }
      if (profileTrace != null && Collections.disjoint(parts, PROFILED)) {
        throw new ConfigException(
            "bench: --profile records timed steps; add one of train_student, train_teacher,"
                + " distill, distill_features, cache, inference to --only");
      }
      for (Path p : List.of(teacherConfig, studentConfig)) {
        if (!Files.isRegularFile(p)) {
          throw new ConfigException(p + ": no such config file");
        }
      }
      return new Benchmark(this);
    }

    private static int positive(String name, int value) {
      if (value <= 0) {
        throw new ConfigException("bench: --" + name + " must be a positive integer, got " + value);
      }
      return value;
    }
  }
}
