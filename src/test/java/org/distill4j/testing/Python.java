package org.distill4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python script with Debian's interpreter (which CI installs with numpy, PIL, OpenCV and
 * torch), for fixtures written by an independent implementation. A missing interpreter or module
 * fails the test with the package to install, never skips it.
 */
public final class Python {
  public static final Path INTERPRETER = Path.of("/usr/bin/python3");

  private Python() {}

  /** The little-endian float32 values a fixture script wrote with numpy's {@code tofile}. */
  public static float[] float32File(Path file) {
    try {
      byte[] raw = Files.readAllBytes(file);
      float[] out = new float[raw.length / 4];
      java.nio.ByteBuffer.wrap(raw)
          .order(java.nio.ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(out);
      return out;
    } catch (IOException e) {
      throw new AssertionError("cannot read the fixture " + file, e);
    }
  }

  /** Runs {@code script} with {@code args} in {@code dir}; returns its standard output. */
  public static String run(Path dir, String script, String... args) {
    if (!Files.isExecutable(INTERPRETER)) {
      fail(INTERPRETER + " is missing: install Debian's python3 with python3-numpy (see .ci/run)");
    }
    try {
      Path file = Files.createTempFile(dir, "fixture", ".py");
      Files.writeString(file, script);
      List<String> command = new ArrayList<>(List.of(INTERPRETER.toString(), file.toString()));
      command.addAll(List.of(args));
      Process p =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        fail("python fixture timed out");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (text.contains("ModuleNotFoundError")) {
        fail(
            "a Python module is missing (install python3-numpy, python3-pil, python3-opencv or"
                + " python3-torch as .ci/run does):\n"
                + text);
      }
      assertEquals(0, p.exitValue(), "python fixture failed:\n" + text);
      return text;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + INTERPRETER, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
