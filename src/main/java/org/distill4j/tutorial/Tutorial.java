package org.distill4j.tutorial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.Overrides;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.data.OpticDiscSeg;
import org.distill4j.data.SyntheticFundusGenerator;
import org.distill4j.distill.DistillSetup;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.ConsoleProgress;
import org.distill4j.train.History;
import org.distill4j.train.IterationLog;
import org.distill4j.train.SegTrainer;
import org.distill4j.train.TrainingListener;
import org.distill4j.train.TrainingOptions;
import org.distill4j.train.TrainingResult;
import org.distill4j.train.TrainingSetup;
import org.distill4j.viz.ChartWriter;
import org.distill4j.viz.Charts;

/**
 * The tutorial's main job in one call: make sure the data exists (generating the synthetic set if
 * needed), train the teacher, train the student alone, and compare them. The CLI's {@code tutorial}
 * command and the notebooks both use it.
 */
public final class Tutorial {
  private final TutorialScale scale;
  private final Path projectRoot;
  private final Path outputDir;
  private final Path dataRoot;
  private final DataSource data;
  private final long seed;
  private final int numWorkers;
  private final List<TrainingListener> extraListeners;

  private Tutorial(Builder b) {
    this.scale = b.scale;
    this.projectRoot = b.projectRoot.toAbsolutePath().normalize();
    this.outputDir = b.outputDir.toAbsolutePath().normalize();
    this.dataRoot =
        (b.dataRoot != null ? b.dataRoot : Paths.get(scale.dataRoot()))
            .toAbsolutePath()
            .normalize();
    this.data = b.data;
    this.seed = b.seed;
    this.numWorkers = b.numWorkers;
    this.extraListeners = List.copyOf(b.listeners);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The scale whose configs and dataset size this tutorial uses. */
  public TutorialScale scale() {
    return scale;
  }

  /** The directory holding {@code configs/} (absolute). */
  public Path projectRoot() {
    return projectRoot;
  }

  /** Where runs, derived configs and charts go (absolute). */
  public Path outputDir() {
    return outputDir;
  }

  /** Where the dataset is or is generated (absolute). */
  public Path dataRoot() {
    return dataRoot;
  }

  /** The seed of every run. */
  public long seed() {
    return seed;
  }

  /** The save directory of the run called {@code name}, e.g. {@code teacher} (may not exist). */
  public Path runDir(String name) {
    return outputDir.resolve(name);
  }

  /**
   * The save directory of run {@code name}, emptied: a retrained run must not append its history to
   * a previous run's {@code train_log.csv} or leave old checkpoints beside the new ones.
   */
  public Path freshRunDir(String name) {
    Path dir = runDir(name);
    try {
      if (Files.exists(dir)) {
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty " + dir, e);
    }
    return dir;
  }

  /** One row of the comparison table. */
  public record Row(
      String role,
      long seed,
      String model,
      long parameters,
      double miou,
      double[] classIou,
      double msPerIter,
      double seconds) {}

  /** Where the tutorial's data comes from when its data root is empty. */
  public enum DataSource {
    /** PaddleSeg's real optic-disc set, downloaded; an error when it cannot be. */
    REAL,
    /** The synthetic set from {@link SyntheticFundusGenerator} (seed 0, the scale's sizes). */
    SYNTHETIC,
    /** The real set when it can be downloaded, else the synthetic one. */
    REAL_OR_SYNTHETIC
  }

  /**
   * Fills {@code dataRoot} when it has no dataset, from the configured {@link DataSource}, and says
   * in one line which data the run uses. Returns true if it wrote data.
   */
  public boolean ensureData() {
    String shown = TutorialEnvironment.shown(dataRoot);
    if (Files.exists(dataRoot.resolve("train_list.txt"))) {
      return false;
    }
    if (data != DataSource.SYNTHETIC && !Files.exists(dataRoot)) {
      try {
        OpticDiscSeg.download(dataRoot);
        System.out.println("[DATA] using PaddleSeg's optic-disc set, downloaded to " + shown);
        return true;
      } catch (ConfigException e) {
        if (data == DataSource.REAL) {
          throw e;
        }
        System.out.println(
            "[DATA] the real optic-disc set could not be downloaded; generating the synthetic set"
                + " at "
                + shown
                + " instead");
      }
    } else {
      System.out.println(
          "[DATA] no dataset at " + shown + "; generating the synthetic optic-disc set");
    }
    SyntheticFundusGenerator.builder()
        .optSeed(0)
        .optTrain(scale.trainImages())
        .optVal(scale.valImages())
        .optTest(scale.testImages())
        .optImageSize(scale.imageWidth(), scale.imageHeight())
        .build()
        .generate(dataRoot);
    return true;
  }

  /** The scale's config for {@code role} with its dataset roots pointed at this run's data. */
  public ResolvedConfig config(String role) {
    Path base =
        role.equals("teacher")
            ? scale.teacherConfig(projectRoot)
            : scale.studentConfig(projectRoot);
    Path derived = outputDir.resolve("configs").resolve(role + ".yml");
    String yaml =
        "_base_: '"
            + base.toAbsolutePath()
            + "'\n"
            + "train_dataset:\n  dataset_root: '"
            + dataRoot
            + "'\n"
            + "val_dataset:\n  dataset_root: '"
            + dataRoot
            + "'\n";
    try {
      Files.createDirectories(derived.getParent());
      Files.writeString(derived, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + derived, e);
    }
    return ConfigLoader.load(derived);
  }

  /** Trains one role ({@code teacher} or {@code student}) alone and returns its table row. */
  public Row train(String role) {
    return train(role, seed);
  }

  /** As {@link #train(String)} with another seed (weights init, data order, augmentation). */
  public Row train(String role, long runSeed) {
    ResolvedConfig config = config(role);
    try (TrainingSetup setup = TrainingSetup.fromConfig(config, runSeed)) {
      return fit(role, runSeed, config, setup.segConfig().iters(), setup.model(), setup::trainer);
    }
  }

  /**
   * Distils the trained teacher (its {@code best_model} from {@link #train}) into the student with
   * the student config's distillation settings, and returns the {@code distilled} row.
   */
  public Row distill() {
    return distill(seed);
  }

  /** As {@link #distill()} with another seed for the student. */
  public Row distill(long runSeed) {
    Path teacherWeights = outputDir.resolve("teacher").resolve("best_model");
    if (!Files.isDirectory(teacherWeights)) {
      throw new ConfigException(
          "no trained teacher at " + teacherWeights + "; run train(\"teacher\") first");
    }
    config("teacher");
    ResolvedConfig teacher =
        ConfigLoader.load(
            outputDir.resolve("configs").resolve("teacher.yml"),
            Map.of(Overrides.MODEL_PRETRAINED, teacherWeights.toString()));
    ResolvedConfig student = config("student");
    try (DistillSetup setup = DistillSetup.fromConfigs(teacher, student, runSeed)) {
      setup.evaluateTeacher(System.out::println);
      return fit(
          DISTILLED,
          runSeed,
          student,
          setup.student().segConfig().iters(),
          setup.student().model(),
          setup::trainer);
    }
  }

  /** Role name of the distilled student's row. */
  public static final String DISTILLED = "distilled";

  private Row fit(
      String role,
      long runSeed,
      ResolvedConfig config,
      int iters,
      SegmentationModel model,
      Function<TrainingOptions.Builder, SegTrainer.Builder> trainer) {
    Path saveDir = outputDir.resolve(runSeed == seed ? role : role + "_seed" + runSeed);
    TrainingOptions.Builder options =
        TrainingOptions.builder()
            .optDoEval(true)
            .optSaveInterval(Math.max(1, iters / 4))
            .optLogIters(Math.max(1, Math.min(10, iters / 10)))
            .optKeepCheckpointMax(1)
            .optSeed(runSeed)
            .optNumWorkers(numWorkers)
            .optSaveDir(saveDir);
    config.save(saveDir);
    History history = new History(saveDir);
    SegTrainer.Builder builder =
        trainer
            .apply(options)
            .addListener(history)
            .addListener(new ConsoleProgress())
            .addListener(new ChartWriter(history, saveDir, role));
    extraListeners.forEach(builder::addListener);
    TrainingResult result = builder.build().train();
    double ms = meanBatchCostMs(history.iterations());
    double[] classIou =
        history.evaluations().stream()
            .filter(e -> e.iteration() == result.bestIteration())
            .findFirst()
            .map(e -> e.metrics().classIou())
            .orElse(new double[0]);
    return new Row(
        role,
        runSeed,
        model.name(),
        model.parameterCount(),
        result.bestMiou(),
        classIou,
        ms,
        result.seconds());
  }

  /**
   * Runs the whole tutorial: teacher, student alone, distilled student. Returns the rows in that
   * order and writes {@code comparison.png}.
   */
  public List<Row> run() {
    return run(List.of(seed));
  }

  /**
   * Trains the teacher once (with the first seed), then the student alone and the distilled student
   * for every seed, so the gain can be judged against seed-to-seed spread. Each seed pairs the two
   * student runs: same initial weights, same batches.
   */
  public List<Row> run(List<Long> seeds) {
    if (seeds.isEmpty()) {
      throw new ConfigException("tutorial: give at least one seed");
    }
    ensureData();
    List<Row> rows = new ArrayList<>();
    Row teacher = train("teacher", seeds.get(0));
    rows.add(teacher);
    for (long s : seeds) {
      Row student = train("student", s);
      rows.add(student);
      if (teacher.miou() <= student.miou()) {
        System.out.printf(
            Locale.ROOT,
            "[TUTORIAL] warning: the teacher (mIoU %.4f) does not beat the student alone (%.4f,"
                + " seed %d); distilling from it is unlikely to help. Train the teacher longer.%n",
            teacher.miou(),
            student.miou(),
            s);
      }
      rows.add(distill(s));
    }
    Map<String, Double> bars = new LinkedHashMap<>();
    for (String role : List.of("teacher", "student", DISTILLED)) {
      bars.put(role, stats(rows, role, Row::miou)[0]);
    }
    Charts.savePng(
        Charts.bars("Validation mIoU (" + scale.id() + " scale)", "mIoU", bars),
        outputDir.resolve("comparison.png"));
    return rows;
  }

  /** Mean and sample standard deviation of {@code value} over the rows of {@code role}. */
  static double[] stats(
      List<Row> rows, String role, java.util.function.ToDoubleFunction<Row> value) {
    double[] v = rows.stream().filter(r -> r.role().equals(role)).mapToDouble(value).toArray();
    if (v.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    return new double[] {mean, v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0};
  }

  /**
   * The named top-level sections of a resolved config as YAML, in the config's order, e.g. {@code
   * yamlSections(config, "model", "distill_loss")}: the parts of a config a notebook wants to show.
   * Sections the config does not have are left out.
   */
  public static String yamlSections(ResolvedConfig config, String... sections) {
    List<String> wanted = List.of(sections);
    StringBuilder sb = new StringBuilder();
    boolean keep = false;
    for (String line : config.toYaml().split("\n")) {
      if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
        int colon = line.indexOf(':');
        keep = colon > 0 && wanted.contains(line.substring(0, colon));
      }
      if (keep) {
        sb.append(line).append('\n');
      }
    }
    return sb.toString();
  }

  /** A plain-text table of the rows. */
  public static String table(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-10s %5s %-26s %12s %8s %9s %10s %9s%n",
            "role",
            "seed",
            "model",
            "parameters",
            "mIoU",
            "disc IoU",
            "ms/iter",
            "minutes"));
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-10s %5d %-26s %,12d %8.4f %9.4f %10.1f %9.2f%n",
              r.role(),
              r.seed(),
              r.model(),
              r.parameters(),
              r.miou(),
              disc(r),
              r.msPerIter(),
              r.seconds() / 60));
    }
    long runs = rows.stream().filter(r -> r.role().equals(DISTILLED)).count();
    if (runs > 0 && rows.stream().anyMatch(r -> r.role().equals("student"))) {
      double[] student = stats(rows, "student", Row::miou);
      double[] distilled = stats(rows, DISTILLED, Row::miou);
      double[] gain = gains(rows);
      if (runs > 1) {
        sb.append(
            String.format(
                Locale.ROOT,
                "over %d seeds: student %.4f ± %.4f, distilled %.4f ± %.4f (mean ± sd)%n",
                runs,
                student[0],
                student[1],
                distilled[0],
                distilled[1]));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "distillation gain over the student alone: %+.4f mIoU%s%n",
              gain[0],
              runs > 1 ? String.format(Locale.ROOT, " (± %.4f over paired seeds)", gain[1]) : ""));
    }
    return sb.toString();
  }

  /** Mean and sd of (distilled - student) mIoU over seeds that have both rows. */
  private static double[] gains(List<Row> rows) {
    List<Row> diffs = new ArrayList<>();
    for (Row d : rows) {
      if (d.role().equals(DISTILLED)) {
        rows.stream()
            .filter(r -> r.role().equals("student") && r.seed() == d.seed())
            .findFirst()
            .ifPresent(
                st ->
                    diffs.add(
                        new Row(
                            "gain", d.seed(), "", 0, d.miou() - st.miou(), new double[0], 0, 0)));
      }
    }
    return stats(diffs, "gain", Row::miou);
  }

  private static double disc(Row r) {
    return r.classIou().length > 1 ? r.classIou()[1] : Double.NaN;
  }

  private static double meanBatchCostMs(List<IterationLog> logs) {
    // Skip the first window: it includes warm-up.
    List<IterationLog> steady = logs.size() > 1 ? logs.subList(1, logs.size()) : logs;
    return steady.stream().mapToDouble(IterationLog::batchCost).average().orElse(Double.NaN) * 1000;
  }

  /** Builder for {@link Tutorial}. */
  public static final class Builder {
    private TutorialScale scale = TutorialScale.CPU;
    private Path projectRoot = Paths.get("");
    private Path outputDir = Paths.get("output", "tutorial");
    private Path dataRoot;
    private DataSource data = DataSource.SYNTHETIC;
    private long seed;
    private int numWorkers = 2;
    private final List<TrainingListener> listeners = new ArrayList<>();

    private Builder() {}

    public Builder optScale(TutorialScale scale) {
      this.scale = scale;
      return this;
    }

    /** The directory holding {@code configs/}; defaults to the working directory. */
    public Builder optProjectRoot(Path projectRoot) {
      this.projectRoot = projectRoot;
      return this;
    }

    public Builder optOutputDir(Path outputDir) {
      this.outputDir = outputDir;
      return this;
    }

    /**
     * Where an empty data root's data comes from; the synthetic set by default, which the
     * notebooks' and README's figures were measured on.
     */
    public Builder optDataSource(DataSource data) {
      this.data = data;
      return this;
    }

    /** Where the dataset is (or is generated); defaults to the scale's {@code data/...} root. */
    public Builder optDataRoot(Path dataRoot) {
      this.dataRoot = dataRoot;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optNumWorkers(int numWorkers) {
      this.numWorkers = numWorkers;
      return this;
    }

    /** Extra listeners for every training run, e.g. a notebook's live chart. */
    public Builder addListener(TrainingListener listener) {
      listeners.add(listener);
      return this;
    }

    public Tutorial build() {
      return new Tutorial(this);
    }
  }
}
