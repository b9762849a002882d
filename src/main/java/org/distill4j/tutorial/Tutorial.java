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
import org.distill4j.app.RunListeners;
import org.distill4j.config.Amp;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.DerivedConfig;
import org.distill4j.config.Overrides;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.distill.DistillSetup;
import org.distill4j.distill.DistillSpec;
import org.distill4j.io.FileTrees;
import org.distill4j.synthetic.SyntheticFundusGenerator;
import org.distill4j.train.TrainingSetup;
import org.distill4j.viz.Charts;

/**
 * The tutorial's steps, each one call: make sure the data exists, train a role, distil, load a
 * run's best weights, compare. The CLI's {@code tutorial} command and the four notebooks train
 * through these same calls, with the listener preset of their front end (PaddleSeg's log for the
 * command line; a progress line per evaluation and a live chart for a notebook).
 */
public final class Tutorial {
  /** Role name of the distilled student's row and run. */
  public static final String DISTILLED = "distilled";

  private final TutorialBuilder settings;
  private final TutorialScale scale;
  private final Path projectRoot;
  private final Path outputDir;
  private final Path dataRoot;
  private final TutorialRun runs;

  Tutorial(TutorialBuilder b) {
    this.settings = b.copy();
    this.scale = b.scale;
    this.projectRoot = b.projectRoot.toAbsolutePath().normalize();
    this.outputDir = b.outputDir.toAbsolutePath().normalize();
    this.dataRoot =
        (b.dataRoot != null ? b.dataRoot : Paths.get(scale.dataRoot()))
            .toAbsolutePath()
            .normalize();
    this.runs = new TutorialRun(this, settings);
  }

  public static TutorialBuilder builder() {
    return new TutorialBuilder();
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

  /** The seed of every run unless a call names another. */
  public long seed() {
    return settings.seed;
  }

  /**
   * This tutorial with nothing printed or drawn while it trains (the history and PNG charts are
   * still written): for a batch of runs whose results are shown together afterwards.
   */
  public Tutorial quiet() {
    TutorialBuilder b = settings.copy();
    b.progress = RunListeners.Progress.SILENT;
    b.show = null;
    b.update = null;
    return b.build();
  }

  /** The save directory of the run {@code name} trained with {@code runSeed} (may not exist). */
  public Path runDir(String name, long runSeed) {
    return runDir(runDirName(name, runSeed));
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
      FileTrees.deleteRecursively(dir);
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
      double seconds) {
    /** The IoU of class 1, the optic disc (NaN without it). */
    public double discIou() {
      return classIou.length > 1 ? classIou[1] : Double.NaN;
    }
  }

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
    return TutorialData.ensure(dataRoot, settings.data, scale);
  }

  /**
   * The scale's config for {@code role} ({@code teacher} or {@code student}) with its dataset roots
   * pointed at this tutorial's data (and {@code amp}, for the student {@code teacher_amp}, when the
   * tutorial was built with one), written to {@code configs/<role>.yml} in the output directory.
   */
  public ResolvedConfig config(String role) {
    Path base =
        role.equals("teacher")
            ? scale.teacherConfig(projectRoot)
            : scale.studentConfig(projectRoot);
    Map<String, Object> root = Map.of("dataset_root", dataRoot.toString());
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("train_dataset", root);
    overrides.put("val_dataset", root);
    if (settings.amp != Amp.NONE) {
      overrides.put(Amp.KEY, settings.amp.configName());
    }
    if (settings.teacherAmp != Amp.NONE && role.equals("student")) {
      overrides.put(Amp.TEACHER_KEY, settings.teacherAmp.configName());
    }
    return DerivedConfig.write(configFile(role), base, overrides);
  }

  /**
   * The student's config with some sections replaced, written to {@code configs/<name>.yml}: e.g.
   * {@code studentVariant("student_kl_1", Map.of("distill_loss", ...))} for a sweep.
   */
  public ResolvedConfig studentVariant(String name, Map<String, Object> sections) {
    config("student");
    return DerivedConfig.write(configFile(name), configFile("student"), sections);
  }

  /** The teacher's config with its weights set to the trained teacher's {@code best_model}. */
  public ResolvedConfig trainedTeacherConfig() {
    Path weights = runDir("teacher").resolve("best_model");
    if (!Files.isDirectory(weights)) {
      throw new ConfigException(
          "no trained teacher at "
              + TutorialEnvironment.shown(weights)
              + "; run train(\"teacher\") first");
    }
    config("teacher");
    return ConfigLoader.load(
        configFile("teacher"), Map.of(Overrides.MODEL_PRETRAINED, weights.toString()));
  }

  Path configFile(String name) {
    return outputDir.resolve("configs").resolve(name + ".yml");
  }

  /** Trains one role ({@code teacher} or {@code student}) alone and returns its table row. */
  public Row train(String role) {
    return train(role, seed());
  }

  /** As {@link #train(String)} with another seed (weights init, data order, augmentation). */
  public Row train(String role, long runSeed) {
    ResolvedConfig config = config(role);
    try (TrainingSetup setup = TrainingSetup.fromConfig(config, runSeed)) {
      return runs.train(role, runSeed, config, setup.model(), setup::trainer);
    }
  }

  /**
   * Distils the trained teacher (its {@code best_model} from {@link #train}) into the student with
   * the student config's distillation settings, and returns the {@code distilled} row.
   */
  public Row distill() {
    return distill(seed());
  }

  /** As {@link #distill()} with another seed for the student. */
  public Row distill(long runSeed) {
    return distill(DISTILLED, config("student"), null, runSeed);
  }

  /**
   * Distils into the run {@code run} with the given student config (e.g. a {@link #studentVariant})
   * and its {@code distill_loss} and {@code distill} sections.
   */
  public Row distill(String run, ResolvedConfig studentConfig, long runSeed) {
    return distill(run, studentConfig, null, runSeed);
  }

  /** Distils into the run {@code run} with intermediate tensors set in Java. */
  public Row distill(String run, DistillSpec spec) {
    return distill(run, config("student"), spec, seed());
  }

  private Row distill(String run, ResolvedConfig student, DistillSpec spec, long runSeed) {
    ResolvedConfig teacher = trainedTeacherConfig();
    try (DistillSetup setup = DistillSetup.fromConfigs(teacher, student, spec, runSeed)) {
      if (settings.progress != RunListeners.Progress.SILENT) {
        setup.evaluateTeacher(System.out::println);
      }
      return runs.train(run, runSeed, student, setup.student().model(), setup::trainer);
    }
  }

  /**
   * The model of run {@code run} (a role's config; the teacher's for {@code teacher}, else the
   * student's) with the run's best weights loaded. Close the setup to free its memory.
   */
  public TrainingSetup loadBest(String run) {
    Path weights = runDir(run).resolve("best_model");
    if (!Files.isDirectory(weights)) {
      throw new ConfigException(
          "run '" + run + "' has no best_model at " + TutorialEnvironment.shown(weights));
    }
    TrainingSetup setup =
        TrainingSetup.fromConfig(config(run.equals("teacher") ? "teacher" : "student"), seed());
    setup.model().setMessages(line -> {});
    setup.model().loadWeights(weights);
    return setup;
  }

  /**
   * The command lines that train this tutorial's runs as its calls do, to print beside a notebook's
   * training or to run from a shell.
   */
  public TutorialCommands commands() {
    return new TutorialCommands(this);
  }

  int numWorkers() {
    return settings.numWorkers;
  }

  int saveInterval(int iters) {
    return Math.max(1, iters / settings.evaluationsPerRun);
  }

  static int logIters(int iters) {
    return Math.max(1, Math.min(10, iters / 10));
  }

  String runDirName(String run, long runSeed) {
    return runSeed == seed() ? run : run + "_seed" + runSeed;
  }

  /**
   * Runs the whole tutorial: teacher, student alone, distilled student. Returns the rows in that
   * order and writes {@code comparison.png}.
   */
  public List<Row> run() {
    return run(List.of(seed()));
  }

  /**
   * Trains the teacher once (with the tutorial's {@link #seed()}, into the run {@code teacher} that
   * every distillation reads), then the student alone and the distilled student for every seed, so
   * the gain can be judged against seed-to-seed spread. Each seed pairs the two student runs: same
   * initial weights, same batches.
   */
  public List<Row> run(List<Long> seeds) {
    if (seeds.isEmpty()) {
      throw new ConfigException("tutorial: give at least one seed");
    }
    ensureData();
    List<Row> rows = new ArrayList<>();
    Row teacher = train("teacher", seed());
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
      bars.put(role, TutorialTable.stats(rows, role, Row::miou)[0]);
    }
    Charts.savePng(
        Charts.bars("Validation mIoU (" + scale.id() + " scale)", "mIoU", bars),
        outputDir.resolve("comparison.png"));
    return rows;
  }

  /**
   * The named top-level sections of a resolved config as YAML, in the config's order, e.g. {@code
   * yamlSections(config, "model", "distill_loss")}: the parts of a config a notebook wants to show.
   * Sections the config does not have are left out; paths inside the project are shown relative.
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
        sb.append(TutorialEnvironment.shownPathsIn(line)).append('\n');
      }
    }
    return sb.toString();
  }
}
