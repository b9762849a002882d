package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.distill4j.config.ConfigException;
import org.distill4j.errors.CheckpointException;
import org.distill4j.errors.DataException;
import org.distill4j.errors.Distill4jException;
import org.distill4j.errors.NumericalFaultException;
import org.junit.jupiter.api.Test;

/** Every kind of reported failure reaches the user the same way: one line, exit code 2. */
class ErrorKindsTest {

  private static int run(RuntimeException thrown, ByteArrayOutputStream err) {
    Main.Command failing =
        new Main.Command() {
          @Override
          public int run(String[] args) {
            throw thrown;
          }

          @Override
          public String summary() {
            return "fails";
          }
        };
    return Main.runReported(
        "train", failing, new String[0], false, new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void everyKindIsOneLineAndExitCodeTwo() {
    List<Supplier<Distill4jException>> kinds =
        List.of(
            () -> new ConfigException("configs/a.yml: model.type: 'X' is unknown"),
            () -> new DataException("data/img/1.jpg: cannot decode image"),
            () -> new NumericalFaultException("loss term 'out_loss' is NaN at iteration 3"),
            () -> new CheckpointException("iter_5/model.params: does not match its checksum"));
    for (Supplier<Distill4jException> kind : kinds) {
      Distill4jException e = kind.get();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertEquals(Main.USAGE, run(e, err), e.getClass().getSimpleName());
      String printed = err.toString(StandardCharsets.UTF_8);
      assertEquals("error: " + e.getMessage() + System.lineSeparator(), printed);
    }
  }

  @Test
  void anythingElseIsAFailureInWords() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(Main.FAILED, run(new IllegalStateException("engine lost"), err));
    String printed = err.toString(StandardCharsets.UTF_8);
    assertTrue(printed.startsWith("error: train failed: "), printed);
    assertFalse(printed.contains("IllegalStateException"), printed);
  }

  @Test
  void theKindsAreDistinct() {
    assertFalse(
        Distill4jException.class.isAssignableFrom(IllegalStateException.class),
        "only reported failures map to exit code 2");
    List<Class<?>> kinds =
        List.of(
            ConfigException.class,
            DataException.class,
            NumericalFaultException.class,
            CheckpointException.class);
    for (Class<?> a : kinds) {
      assertTrue(Distill4jException.class.isAssignableFrom(a), a.getSimpleName());
      for (Class<?> b : kinds) {
        assertEquals(a == b, a.isAssignableFrom(b), a.getSimpleName() + " / " + b.getSimpleName());
      }
    }
  }
}
