import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.Overrides;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.distill.DistillSetup;
import org.distill4j.train.Checkpoints;
import org.distill4j.train.ConsoleProgress;
import org.distill4j.train.TrainingOptions;
import org.distill4j.train.TrainingResult;
import org.distill4j.train.TrainingSetup;

/**
 * Trains a teacher and a student from two PaddleSeg-style configs, then distils the teacher into
 * the student, and prints the validation mIoU of each run. The library calls are the ones behind
 * {@code distill4j train} and {@code distill4j distill}.
 *
 * <pre>
 * java -cp distill4j.jar:$(cat target/classpath.txt) examples/TrainAndDistill.java \
 *     [teacher.yml] [student.yml] [output_dir]
 * </pre>
 *
 * Relative dataset paths in the configs are read from the current directory.
 */
public class TrainAndDistill {
  public static void main(String[] args) {
    Path teacherYml =
        Path.of(arg(args, 0, "configs/smoke/deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml"));
    Path studentYml =
        Path.of(arg(args, 1, "configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml"));
    Path out = Path.of(arg(args, 2, "output/example"));
    long seed = 0;

    // 1. The teacher: a large model trained the ordinary way (labels only).
    TrainingResult teacher = train(ConfigLoader.load(teacherYml), seed, out.resolve("teacher"));
    print("teacher", teacher);

    // 2. The same small student trained alone: the baseline distillation should beat.
    TrainingResult student = train(ConfigLoader.load(studentYml), seed, out.resolve("student"));
    print("student", student);

    // 3. Distillation: the frozen teacher's outputs become extra targets for a fresh student.
    //    The teacher config supplies only the model; its weights are the best checkpoint of step 1.
    Path teacherWeights = teacher.saveDir().resolve(Checkpoints.BEST_DIR);
    ResolvedConfig teacherConfig =
        ConfigLoader.load(
            teacherYml, Map.of(Overrides.MODEL_PRETRAINED, teacherWeights.toString()));
    try (DistillSetup setup =
        DistillSetup.fromConfigs(teacherConfig, ConfigLoader.load(studentYml), seed)) {
      setup.evaluateTeacher(System.out::println); // catches weights that did not load
      TrainingResult distilled =
          setup
              .trainer(options(seed, out.resolve("distilled")))
              .addListener(new ConsoleProgress())
              .build()
              .train();
      print("distilled", distilled);
    }
  }

  /** Builds model, data, loss and optimizer from one config and trains it. */
  static TrainingResult train(ResolvedConfig config, long seed, Path saveDir) {
    try (TrainingSetup setup = TrainingSetup.fromConfig(config, seed)) {
      return setup
          .trainer(options(seed, saveDir))
          .addListener(new ConsoleProgress()) // one line per log interval
          .build()
          .train();
    }
  }

  /** Evaluate on the validation set (at each save interval and at the end) and save checkpoints. */
  static TrainingOptions.Builder options(long seed, Path saveDir) {
    return TrainingOptions.builder()
        .optDoEval(true)
        .optSeed(seed)
        .optSaveDir(saveDir)
        .optKeepCheckpointMax(1);
  }

  static void print(String role, TrainingResult result) {
    System.out.printf(
        Locale.ROOT,
        "%s mIoU: %.4f (iteration %d)%n",
        role,
        result.bestMiou(),
        result.bestIteration());
  }

  static String arg(String[] args, int i, String fallback) {
    return args.length > i ? args[i] : fallback;
  }
}
