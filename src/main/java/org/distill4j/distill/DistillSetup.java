package org.distill4j.distill;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.distill4j.config.Amp;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.config.SegConfig;
import org.distill4j.data.Sample;
import org.distill4j.engine.Autocast;
import org.distill4j.eval.SegEvaluator;
import org.distill4j.eval.SegMetrics;
import org.distill4j.losses.DistillLossMix;
import org.distill4j.losses.Losses;
import org.distill4j.models.Models;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.Checkpoints;
import org.distill4j.train.SegTrainer;
import org.distill4j.train.TrainingOptions;
import org.distill4j.train.TrainingSetup;

/**
 * Everything a distillation run is built from. As in PaddleSeg, the teacher comes from the teacher
 * config's {@code model} section only (its {@code pretrained} must point at trained weights); data,
 * optimizer, losses and schedule come from the student config, whose {@code distill_loss} section
 * sets the output distillation and whose {@code distill} section (or a {@link DistillSpec} given in
 * Java) sets the intermediate tensors. Every path and shape is checked here, before training.
 *
 * <p>Devices: the student's (see {@link TrainingSetup#devices()}); the teacher's weights are loaded
 * on the first of them and copied to the others on the first data-parallel step.
 */
public final class DistillSetup implements AutoCloseable {
  private final TrainingSetup student;
  private final NDManager teacherManager;
  private final SegmentationModel teacherModel;
  private final DistillObjective objective;
  private TeacherOutputCache teacherCache;

  private DistillSetup(
      ResolvedConfig teacherConfig,
      ResolvedConfig studentConfig,
      DistillSpec javaSpec,
      long seed,
      Device[] devices) {
    SegConfig studentSeg = new SegConfig(studentConfig.root()).validate();
    ConfigMap teacherModelSection = new SegConfig(teacherConfig.root()).model();
    requireTeacherWeights(teacherConfig, teacherModelSection);
    DistillLossMix outputLoss =
        studentSeg
            .distillLoss()
            .map(s -> DistillLossMix.fromConfig(s, Losses.distillRegistry()))
            .orElse(null);
    DistillSpec spec =
        javaSpec != null
            ? javaSpec
            : studentSeg
                .distill()
                .map(s -> DistillSpec.fromConfig(s, Losses.featureRegistry()))
                .orElse(DistillSpec.none());
    if (outputLoss == null && spec.isEmpty()) {
      throw new ConfigException(
          studentConfig.source()
              + ": nothing to distill; add a distill_loss section (e.g. types: [{type: KLLoss}],"
              + " coef: [3]) or distill entries");
    }
    SegmentationModel builtTeacher = Models.registry().build(teacherModelSection);
    // Before the teacher's weights load: weights of a model with other classes would otherwise
    // fail with a shape error that does not say why.
    checkClasses(builtTeacher.numClasses(), studentSeg.numClasses(), teacherConfig, studentConfig);
    this.student = TrainingSetup.fromConfig(studentConfig, seed, devices);
    this.teacherManager = NDManager.newBaseManager(student.devices()[0]);
    try {
      builtTeacher.initialize(teacherManager, Models.PARAMETER_SHAPE);
      this.teacherModel = builtTeacher;
      spec.studentAdaptor().checkAgainst(student.model());
      spec.teacherAdaptor().checkAgainst(teacherModel);
      List<Block> connectors = connectors(spec);
      this.objective =
          new DistillObjective(
              new FrozenTeacher(teacherModel, spec.teacherTaps(), teacherAmp(studentSeg)),
              student.loss(),
              outputLoss,
              spec,
              connectors);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * The student config's {@code teacher_amp}, refused in one line where this CPU would compute it
   * with libtorch's reference kernel, with a warning where bfloat16 would be emulated (a CPU
   * without bfloat16 instructions).
   */
  private Amp teacherAmp(SegConfig studentSeg) {
    Amp precision = studentSeg.teacherAmp();
    Autocast.requireUsable("teacher_amp", precision, student.devices()[0])
        .ifPresent(w -> System.err.println("warning: " + w));
    return precision;
  }

  /** Builds from the two configs; intermediate tensors come from the student's distill section. */
  public static DistillSetup fromConfigs(
      ResolvedConfig teacherConfig, ResolvedConfig studentConfig, long seed) {
    return new DistillSetup(teacherConfig, studentConfig, null, seed, null);
  }

  /** Builds from the two configs with intermediate tensors set in Java (adaptors and entries). */
  public static DistillSetup fromConfigs(
      ResolvedConfig teacherConfig, ResolvedConfig studentConfig, DistillSpec spec, long seed) {
    return new DistillSetup(teacherConfig, studentConfig, spec, seed, null);
  }

  /**
   * Builds on the given devices (e.g. from {@code --devices}; none means the student config's
   * {@code devices} key, else every visible GPU, else the CPU).
   *
   * @param spec intermediate tensors set in Java, or null for the student config's distill section
   */
  public static DistillSetup fromConfigs(
      ResolvedConfig teacherConfig,
      ResolvedConfig studentConfig,
      DistillSpec spec,
      long seed,
      Device... devices) {
    return new DistillSetup(teacherConfig, studentConfig, spec, seed, devices);
  }

  private static void requireTeacherWeights(ResolvedConfig config, ConfigMap model) {
    if (!model.has("pretrained") || model.get("pretrained") == null) {
      throw model.error(
          "pretrained",
          "the teacher needs trained weights: set it to the teacher's best_model directory (or the"
              + " model.params inside it), e.g. output/deeplabv3p_resnet50/best_model");
    }
  }

  /**
   * Refuses, in one line naming both config files, a teacher and a student with different class
   * counts: distillation compares logits class by class.
   */
  public static void checkClasses(
      int teacherClasses,
      int studentClasses,
      ResolvedConfig teacherConfig,
      ResolvedConfig studentConfig) {
    if (teacherClasses != studentClasses) {
      throw new ConfigException(
          "num_classes differ: teacher "
              + teacherClasses
              + " ("
              + teacherConfig.source()
              + ") vs student "
              + studentClasses
              + " ("
              + studentConfig.source()
              + "); distillation compares logits class by class");
    }
  }

  /** The training input shape (N=1) of the student's first training sample. */
  private Shape inputShape() {
    Sample s = student.trainDataset().get(0, new Random(0));
    return new Shape(1, s.channels, s.height, s.width);
  }

  private List<Block> connectors(DistillSpec spec) {
    List<Block> out = new ArrayList<>();
    if (spec.isEmpty()) {
      return out;
    }
    for (TensorPair pair : TensorPair.of(spec, student.model(), teacherModel, inputShape())) {
      if (!pair.entry().hasConnector()) {
        out.add(null);
        continue;
      }
      Connector c = new Connector(pair.student(), pair.teacher());
      c.initialize(student.model().manager(), DataType.FLOAT32, pair.student());
      out.add(c);
    }
    return out;
  }

  /**
   * Evaluates the frozen teacher on the validation set, so weights that did not load are caught
   * before the first iteration; {@code log} receives one line.
   */
  public SegMetrics evaluateTeacher(Consumer<String> log) {
    SegMetrics m =
        SegEvaluator.evaluate(
            teacherModel,
            student
                .valDataset()
                .orElseThrow(
                    () ->
                        new ConfigException(
                            student.config().source()
                                + ": val_dataset: missing; the teacher is checked on it")));
    log.accept(
        String.format(
            java.util.Locale.ROOT,
            "[DISTILL] teacher %s: mIoU %.4f, Acc %.4f on %d validation images",
            teacherModel.name(),
            m.miou(),
            m.acc(),
            student.valDataset().get().size()));
    return m;
  }

  /**
   * Makes the distillation read the teacher's outputs from a cache in {@code dir}, building it
   * first when needed (see {@link TeacherOutputCache}): the teacher runs once per image and
   * transform outcome instead of once per step, and training stays exactly what it is without the
   * cache.
   *
   * @param log receives the cache's progress and status lines
   * @throws ConfigException when the training transforms' outcomes cannot be listed
   */
  public TeacherOutputCache useTeacherCache(Path dir, Consumer<String> log) {
    return useTeacherCache(dir, TeacherOutputCache.DEFAULT_VERIFY_BATCHES, log);
  }

  /**
   * As {@link #useTeacherCache(Path, Consumer)}, checking the first {@code verifyBatches} cached
   * batches against the teacher instead of {@link TeacherOutputCache#DEFAULT_VERIFY_BATCHES}.
   */
  public TeacherOutputCache useTeacherCache(Path dir, int verifyBatches, Consumer<String> log) {
    TeacherOutputCache opened =
        TeacherOutputCache.openOrBuild(
            dir,
            objective.teacher(),
            student.trainDataset(),
            student.segConfig().batchSize(),
            verifyBatches,
            log);
    if (teacherCache != null) {
      teacherCache.close();
    }
    teacherCache = opened;
    objective.useTeacherOutputs(opened);
    return opened;
  }

  /** The cache set by {@link #useTeacherCache}, if any. */
  public Optional<TeacherOutputCache> teacherCache() {
    return Optional.ofNullable(teacherCache);
  }

  /**
   * Loads a trained run's checkpoint (e.g. its {@code best_model}): the student's weights and each
   * entry's connector, so the trained student and connectors can be looked at after training.
   */
  public void loadTrained(Path checkpointDir) {
    student.model().loadWeights(checkpointDir);
    Checkpoints.loadExtras(checkpointDir, objective.trainableBlocks(), student.model().manager());
  }

  /** A trainer builder for the student with the distillation objective. */
  public SegTrainer.Builder trainer(TrainingOptions.Builder options) {
    return student.trainer(options).setObjective(objective);
  }

  public TrainingSetup student() {
    return student;
  }

  public SegmentationModel teacher() {
    return teacherModel;
  }

  public DistillObjective objective() {
    return objective;
  }

  @Override
  public void close() {
    if (teacherCache != null) {
      teacherCache.close();
    }
    if (student != null) {
      student.close();
    }
    teacherManager.close();
  }
}
