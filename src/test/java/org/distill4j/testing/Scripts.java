package org.distill4j.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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
   * The start of a command line that runs distill4j's command-line main class in a new JVM with the
   * test's classpath, offline, headless and with the launcher's thread settings; {@code jvmOptions}
   * go before the class. Add the command and its flags to the returned (mutable) list.
   */
  public static List<String> distill4jJvm(String... jvmOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-Xss4m",
            "-Djava.awt.headless=true",
            "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=2",
            "-Dai.djl.pytorch.num_interop_threads=1"));
    cmd.addAll(List.of(jvmOptions));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.distill4j.cli.Main"));
    return cmd;
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
