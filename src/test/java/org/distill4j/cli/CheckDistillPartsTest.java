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

  private static String checkFails(String name, String yaml) throws Exception {
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
    int code =
        Main.run(new String[] {"check", "--config", file.toString()}, new PrintStream(err, true));
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
    String e =
        checkFails(
            "tap.yml",
            "distill:\n  student_adaptor: {hidden_0: head.asp}\n  teacher_adaptor: {hidden_0: head.aspp}\n"
                + "  entries:\n    - {s_feature_idx: 0, t_feature_idx: 0, loss_function: L2Loss}\n");
    assertTrue(e.contains("head.asp") && e.contains("head.aspp"), e);
  }

  @Test
  void batchLargerThanTheTrainingSetIsRefused() throws Exception {
    String e = checkFails("b.yml", "batch_size: 8\n");
    assertTrue(e.contains("batch_size: 8 is larger than the 3 training images"), e);
  }
}
