package org.distill4j.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one of the project's shell scripts from the repository root, as a user would. */
public final class Scripts {
  /** The repository root: Maven runs the tests there. */
  public static final Path ROOT = Path.of("").toAbsolutePath();

  private Scripts() {}

  /** What a script printed (standard output, then standard error) and its exit code. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** Both streams, standard output first. */
    public String output() {
      return stdout + stderr;
    }
  }

  /**
   * Runs {@code command} in the repository root with {@code env} added to the environment; fails
   * the test if it runs longer than {@code timeoutSeconds}.
   */
  public static Result run(List<String> command, Map<String, String> env, long timeoutSeconds)
      throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    // Standard error is read on its own thread so that neither pipe can fill up and stall the
    // script.
    StringBuilder err = new StringBuilder();
    Thread errReader =
        new Thread(
            () -> {
              try {
                err.append(
                    new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (java.io.IOException e) {
                err.append(e);
              }
            });
    errReader.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " ran longer than " + timeoutSeconds + " s");
    }
    errReader.join();
    return new Result(process.exitValue(), out, err.toString());
  }
}
