package org.distill4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Command lines run in this JVM with stdout and stderr captured, for the command-line tests. */
final class CapturedRuns {
  private CapturedRuns() {}

  /**
   * Runs {@code args} through {@link Main#run} with {@code System.out} and {@code System.err}
   * captured (and restored after).
   *
   * @return the exit code, stdout and stderr, as strings in that order
   */
  static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
      System.setErr(errors);
      code = Main.run(args, errors);
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    return new String[] {
      String.valueOf(code),
      out.toString(StandardCharsets.UTF_8),
      err.toString(StandardCharsets.UTF_8)
    };
  }
}
