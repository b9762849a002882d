import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.Overrides;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.distill.DistillEntry;
import org.distill4j.distill.DistillSetup;
import org.distill4j.distill.DistillSpec;
import org.distill4j.distill.StudentAdaptor;
import org.distill4j.distill.TeacherAdaptor;
import org.distill4j.losses.HintLoss;
import org.distill4j.losses.SegChannelwiseLoss;
import org.distill4j.train.ConsoleProgress;
import org.distill4j.train.TrainingOptions;
import org.distill4j.train.TrainingResult;

/**
 * Distils a trained teacher into a student, choosing in Java (instead of a config's {@code
 * distill:} section) which intermediate tensors the student learns to imitate.
 *
 * <pre>
 * java -cp distill4j.jar:$(cat target/classpath.txt) examples/DistillInCode.java \
 *     [teacher.yml] [student.yml] [teacher_weights] [output_dir]
 * </pre>
 *
 * The teacher weights are a {@code best_model} directory, e.g. from {@code TrainAndDistill.java}.
 */
public class DistillInCode {
  public static void main(String[] args) {
    Path teacherYml =
        Path.of(arg(args, 0, "configs/smoke/deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml"));
    Path studentYml =
        Path.of(arg(args, 1, "configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml"));
    String teacherWeights = arg(args, 2, "output/example/teacher/best_model");
    Path out = Path.of(arg(args, 3, "output/example/distilled_in_code"));

    // Adaptors name the tensors to compare: "<feature type>_<index>" -> a layer path inside the
    // model, whose output is recorded during the forward pass (the model code needs no change).
    StudentAdaptor student =
        new StudentAdaptor(
            Map.of(
                "hidden_0", "head.decoder.conv_bn_relu3", // decoder features, 256 channels
                "hidden_1", "backbone.stage3")); // ResNet18's last stage, 512 channels
    TeacherAdaptor teacher =
        new TeacherAdaptor(
            Map.of(
                "hidden_0", "head.decoder.conv_bn_relu3", // same decoder, same 256 channels
                "hidden_1", "backbone.stage3")); // ResNet50's last stage, 2048 channels

    // Entries pair a student tensor with a teacher tensor, a loss and the loss's weight.
    List<DistillEntry> entries =
        List.of(
            // Channel-wise distillation: each channel's spatial distribution, softened by tau.
            DistillEntry.builder()
                .setIndices(0, 0)
                .setLoss(new SegChannelwiseLoss(4.0))
                .optWeight(1.0)
                .build(),
            // Channels differ (512 vs 2048): a connector (1x1 conv + batch norm, trained with the
            // student and dropped afterwards) lifts the student's tensor to the teacher's shape.
            DistillEntry.builder()
                .setIndices(1, 1)
                .setLoss(new HintLoss()) // mean squared error
                .optWeight(0.5)
                .optConnector(true)
                .build());
    DistillSpec spec = new DistillSpec(student, teacher, entries);

    // The configs still supply models, data, optimizer and the label loss; the student config's
    // distill_loss (KL divergence on the logits) is added to the entries above.
    ResolvedConfig teacherConfig =
        ConfigLoader.load(teacherYml, Map.of(Overrides.MODEL_PRETRAINED, teacherWeights));
    ResolvedConfig studentConfig = ConfigLoader.load(studentYml);
    long seed = 0;
    try (DistillSetup setup = DistillSetup.fromConfigs(teacherConfig, studentConfig, spec, seed)) {
      setup.evaluateTeacher(System.out::println);
      TrainingOptions.Builder options =
          TrainingOptions.builder().optDoEval(true).optSeed(seed).optSaveDir(out);
      TrainingResult result =
          setup.trainer(options).addListener(new ConsoleProgress()).build().train();
      System.out.printf(Locale.ROOT, "distilled in code mIoU: %.4f%n", result.bestMiou());
    }
  }

  static String arg(String[] args, int i, String fallback) {
    return args.length > i ? args[i] : fallback;
  }
}
