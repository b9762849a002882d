package org.distill4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.cli.Main;

/**
 * The fixture end-to-end tests share: a small synthetic optic-disc set made by {@code make-dataset}
 * and a config that inherits a committed smoke config ({@code _base_}) with its datasets pointed at
 * that set.
 */
public final class SmokeRuns {
  /** The committed smoke student config (DeepLabV3P-ResNet18_vd). */
  public static final String STUDENT =
      "configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml";

  /** The committed smoke teacher config (DeepLabV3P-ResNet50_vd). */
  public static final String TEACHER =
      "configs/smoke/deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml";

  private SmokeRuns() {}

  /**
   * Generates a synthetic set of square {@code size x size} images into {@code dir} through the
   * command line, as a user would; fails the test when the command fails.
   */
  public static Path dataset(Path dir, int train, int val, int test, int size) {
    assertEquals(
        0,
        Main.run(
            new String[] {
              "make-dataset",
              "--out",
              dir.toString(),
              "--train",
              Integer.toString(train),
              "--val",
              Integer.toString(val),
              "--test",
              Integer.toString(test),
              "--width",
              Integer.toString(size),
              "--height",
              Integer.toString(size)
            },
            System.err),
        "make-dataset failed");
    return dir;
  }

  /**
   * YAML text inheriting {@code base} (a path relative to the project root) with both datasets read
   * from {@code data}; callers append their own keys.
   */
  public static String baseYaml(String base, Path data) {
    return "_base_: '"
        + Path.of(base).toAbsolutePath()
        + "'\ntrain_dataset: {dataset_root: '"
        + data
        + "'}\nval_dataset: {dataset_root: '"
        + data
        + "'}\n";
  }

  /** Writes {@link #baseYaml} plus {@code extra} to {@code file}. */
  public static Path config(Path file, String base, Path data, String extra) throws IOException {
    return Files.writeString(file, baseYaml(base, data) + extra);
  }
}
