package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.distill4j.synthetic.SyntheticFundusGenerator;
import org.distill4j.train.Devices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --devices} on train, distill and eval, and the config's {@code devices} key. */
class DevicesFlagTest {
  private static final String STUDENT =
      "configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml";
  private static final String TEACHER =
      "configs/smoke/deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml";

  @TempDir Path tmp;

  private static String errorOf(int expectedCode, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(err, true));
    assertEquals(expectedCode, code, err.toString());
    return err.toString();
  }

  @Test
  void everyCommandRejectsABadSpecBeforeAnyWork() {
    String valid = "use cpu, gpu (every visible GPU), gpu:0,1 or 0,1";
    String train = errorOf(2, "train", "--config", STUDENT, "--devices", "tpu");
    assertTrue(train.startsWith("error: --devices: 'tpu' is not a device list;"), train);
    assertTrue(train.contains(valid), train);
    String distill =
        errorOf(
            2,
            "distill",
            "--teacher_config",
            TEACHER,
            "--student_config",
            STUDENT,
            "--devices",
            "tpu");
    assertTrue(distill.contains("--devices: 'tpu' is not a device list"), distill);
    String eval =
        errorOf(2, "eval", "--config", STUDENT, "--model_path", "nowhere", "--devices", "tpu");
    assertTrue(eval.contains("--devices: 'tpu' is not a device list"), eval);
  }

  @Test
  void configKeyIsReadAndTheFlagWins() throws Exception {
    Path config = tmp.resolve("s.yml");
    Files.writeString(
        config, "_base_: '" + Paths.get(STUDENT).toAbsolutePath() + "'\ndevices: tpu\n");
    String fromConfig = errorOf(2, "train", "--config", config.toString());
    assertTrue(fromConfig.contains("s.yml: devices: 'tpu' is not a device list"), fromConfig);
    String flag = errorOf(2, "train", "--config", config.toString(), "--devices", "gpu:x");
    assertTrue(flag.contains("--devices: 'gpu:x'"), flag);
  }

  @Test
  void gpuOnThisCpuOnlyMachineIsAClearError() {
    assumeTrue(Devices.ofMachine().visibleGpuCount() == 0, "this machine has GPUs");
    String err = errorOf(2, "train", "--config", STUDENT, "--devices", "gpu:0,1");
    assertTrue(err.contains("asks for GPUs but none is usable"), err);
    assertTrue(err.contains("CPU build") || err.contains("no CUDA GPU"), err);
    assertTrue(err.strip().endsWith("use cpu"), err);
    assertEquals(1, err.strip().lines().count(), err);
  }

  @Test
  void trainOnTheCpuSaysWhereItRuns() throws Exception {
    Path data = tmp.resolve("optic");
    SyntheticFundusGenerator.builder()
        .optTrain(2)
        .optVal(1)
        .optTest(1)
        .optImageSize(40, 36)
        .build()
        .generate(data);
    Path config = tmp.resolve("student.yml");
    Files.writeString(
        config,
        "_base_: '"
            + Paths.get(STUDENT).toAbsolutePath()
            + "'\ntrain_dataset:\n  dataset_root: '"
            + data
            + "'\n  transforms: [{type: Resize, target_size: [32, 32]}, {type: Normalize}]\n"
            + "val_dataset:\n  dataset_root: '"
            + data
            + "'\n");
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true));
    try {
      assertEquals(
          0,
          Main.run(
              new String[] {
                "train",
                "--config",
                config.toString(),
                "--iters",
                "1",
                "--devices",
                "cpu",
                "--save_dir",
                tmp.resolve("out").toString()
              },
              System.err));
    } finally {
      System.setOut(original);
    }
    assertTrue(out.toString().contains("[TRAIN] devices: cpu()\n"), out.toString());
  }
}
