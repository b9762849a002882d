package org.distill4j.tutorial;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Jupyter's own notebook validator (the {@code nbformat} Python module, Debian's python3-nbformat),
 * used when some python3 on this machine has it. The python3 on the PATH may be another
 * installation than the system's, so both are tried.
 */
final class JupyterValidator {
  private static final List<String> INTERPRETERS = List.of("python3", "/usr/bin/python3");

  private JupyterValidator() {}

  /** The first interpreter that can import nbformat, if any. */
  static Optional<String> interpreter() throws InterruptedException {
    for (String python : INTERPRETERS) {
      if (run(python, "import nbformat") == 0) {
        return Optional.of(python);
      }
    }
    return Optional.empty();
  }

  /** Exit code of validating {@code file} as a version-4 notebook (0 when it is valid). */
  static int validate(String python, Path file) throws InterruptedException {
    return run(
        python,
        "import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))",
        file.toString());
  }

  private static int run(String python, String code, String... args) throws InterruptedException {
    List<String> command = new ArrayList<>(List.of(python, "-c", code));
    command.addAll(List.of(args));
    try {
      // The availability probe stays quiet; a validation run shows its complaints.
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(
                  args.length == 0
                      ? ProcessBuilder.Redirect.DISCARD
                      : ProcessBuilder.Redirect.INHERIT)
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      return -1; // no such interpreter
    }
  }
}
