package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} also builds a student config's distillation parts and compares batch and data. */
class CheckDistillPartsTest {
  private static final String STUDENT =
      Path.of("configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml")
          .toAbsolutePath()
          .toString();

  @TempDir static Path tmp;
  static Path data;

  @BeforeAll
  static void tinyData() {
    data = tmp.resolve("optic");
    assertEquals(
        0,
        Main.run(
            new String[] {
              "make-dataset",
              "--out",
              data.toString(),
              "--train",
              "3",
              "--val",
              "1",
              "--test",
              "1",
              "--width",
              "40",
              "--height",
              "40"
            },
            System.err));
  }

  private static final String TEACHER =
      Path.of("configs/smoke/deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml")
          .toAbsolutePath()
          .toString();

  private static String checkFails(String name, String yaml, String... flags) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(
        file,
        "_base_: '"
            + STUDENT
            + "'\n"
            + "train_dataset: {dataset_root: '"
            + data
            + "'}\n"
            + "val_dataset: {dataset_root: '"
            + data
            + "'}\n"
            + yaml);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args = new String[3 + flags.length];
    args[0] = "check";
    args[1] = "--config";
    args[2] = file.toString();
    System.arraycopy(flags, 0, args, 3, flags.length);
    int code = Main.run(args, new PrintStream(err, true));
    assertEquals(2, code, err.toString());
    return err.toString()
        .lines()
        .filter(l -> l.startsWith("error:"))
        .findFirst()
        .orElse(err.toString());
  }

  @Test
  void negativeKlTemperatureIsRefused() throws Exception {
    String e =
        checkFails(
            "t.yml",
            "distill_loss:\n  types:\n    - {type: KLLoss, temperature: -1}\n  coef: [3]\n");
    assertTrue(e.contains("temperature") && e.contains("-1"), e);
  }

  @Test
  void studentTapPathTypoNamesTheNearestRealPath() throws Exception {
    String e = checkFails("tap.yml", oneEntry("head.asp", "head.aspp"));
    assertTrue(e.contains("head.asp") && e.contains("head.aspp"), e);
  }

  @Test
  void withTheTeachersConfigTensorsOfDifferentShapesWithoutAConnectorAreRefused() throws Exception {
    String yaml = oneEntry("backbone.stage3", "backbone.stage3");
    String e = checkFails("shapes.yml", yaml, "--teacher_config", TEACHER);
    // ResNet18's last stage has 512 channels, ResNet50's 2048: a connector is needed.
    assertTrue(e.contains("distill: entry") && e.contains("backbone.stage3"), e);
    assertTrue(e.contains("512") && e.contains("2048"), e);
  }

  @Test
  void withTheTeachersConfigATeacherTapTypoIsRefused() throws Exception {
    String yaml = oneEntry("head.aspp", "head.asp");
    String e = checkFails("teacher_tap.yml", yaml, "--teacher_config", TEACHER);
    assertTrue(e.contains("teacher_adaptor.hidden_0") && e.contains("head.aspp"), e);
  }

  @Test
  void withTheTeachersConfigDifferentClassCountsAreRefused() throws Exception {
    Path teacher = tmp.resolve("teacher_3_classes.yml");
    Files.writeString(teacher, "_base_: '" + TEACHER + "'\nmodel: {num_classes: 3}\n");
    String e = checkFails("classes.yml", "", "--teacher_config", teacher.toString());
    assertTrue(e.contains("num_classes differ: teacher 3") && e.contains("vs student 2"), e);
  }

  @Test
  void batchLargerThanTheTrainingSetIsRefused() throws Exception {
    String e = checkFails("b.yml", "batch_size: 8\n");
    assertTrue(e.contains("batch_size: 8 is larger than the 3 training images"), e);
  }

  /** A distill section with one L2 entry comparing {@code studentTap} with {@code teacherTap}. */
  private static String oneEntry(String studentTap, String teacherTap) {
    return "distill:\n  student_adaptor: {hidden_0: "
        + studentTap
        + "}\n  teacher_adaptor: {hidden_0: "
        + teacherTap
        + "}\n  entries:\n    - {s_feature_idx: 0, t_feature_idx: 0, loss_function: L2Loss}\n";
  }
}
