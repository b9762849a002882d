package org.distill4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.distill4j.config.ConfigException;
import org.distill4j.notebook.ExecutionResult;
import org.distill4j.notebook.Notebook;
import org.distill4j.notebook.NotebookExecutor;
import org.distill4j.tutorial.TutorialEnvironment;
import org.distill4j.tutorial.TutorialScale;

/**
 * {@code notebook FILE.ipynb... --scale S [--out DIR]}: runs each notebook headless with IJava's
 * semantics at the given scale and writes it back (or into {@code --out}) with its text and PNG
 * outputs. Notebooks run one after the other in this JVM, each in a fresh JShell whose working
 * directory for magics is the notebook's folder, as under Jupyter. Exit code 0 only when every cell
 * of every notebook ran.
 */
final class NotebookCommand implements Main.Command {
  private final PrintStream err;

  NotebookCommand() {
    this(System.err);
  }

  NotebookCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public String summary() {
    return "run notebooks headless and save their outputs (FILE.ipynb... --scale smoke|cpu|gpu"
        + " [--out DIR])";
  }

  @Override
  public int run(String[] argv) throws IOException {
    Args args =
        Args.parse(
            "notebook",
            argv,
            Set.of("quiet"),
            Set.of("scale", "out", "runs", "data", "cell_timeout"),
            "FILE.ipynb");
    List<Path> files = notebookFiles(args.positional());
    TutorialScale scale = TutorialScale.parse(args.get("scale", "cpu"));
    Path outDir = args.optPath("out");
    Integer timeout = args.optInt("cell_timeout");
    if (timeout != null && timeout <= 0) {
      throw new ConfigException("notebook: --cell_timeout must be a positive number of seconds");
    }
    int failures = 0;
    for (Path file : files) {
      Path target = outDir == null ? file : outDir.resolve(file.getFileName());
      NotebookExecutor executor = executor(args, file, scale, timeout);
      err.println("notebook: running " + file + " at " + scale.id() + " scale");
      ExecutionResult result = executor.executeFile(file, target);
      List<String> problems = Notebook.validate(target);
      if (!result.success()) {
        failures++;
        err.println(
            "error: " + file + ": " + firstLine(result.error()) + " (written to " + target + ")");
      } else if (!problems.isEmpty()) {
        failures++;
        err.println("error: " + target + ": invalid notebook written: " + problems.get(0));
      } else {
        err.printf(
            Locale.ROOT,
            "notebook: %s: %d code cells ran in %.1f s; written to %s%n",
            file,
            result.cellTimes().size(),
            result.totalTime().toMillis() / 1000.0,
            target);
      }
    }
    return failures == 0 ? Main.OK : Main.FAILED;
  }

  private static List<Path> notebookFiles(List<String> names) {
    if (names.isEmpty()) {
      throw new ConfigException(
          "notebook: give one or more .ipynb files, e.g. notebook notebooks/01_teacher.ipynb"
              + " --scale smoke");
    }
    List<Path> files = new ArrayList<>();
    for (String name : names) {
      Path file = Path.of(name).toAbsolutePath().normalize();
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("notebook: no such notebook file: " + name);
      }
      if (!name.endsWith(".ipynb")) {
        throw new ConfigException("notebook: " + name + " is not an .ipynb file");
      }
      files.add(file);
    }
    return files;
  }

  private static NotebookExecutor executor(
      Args args, Path file, TutorialScale scale, Integer timeoutSeconds) {
    Path folder = file.getParent();
    NotebookExecutor.Builder builder =
        NotebookExecutor.builder()
            .optWorkingDirectory(folder)
            .optEchoOutput(!args.flag("quiet"))
            .optSystemProperty(TutorialScale.SCALE_PROPERTY, scale.id());
    // The notebook's Java code sees this JVM's working directory; tell it where the project is.
    TutorialEnvironment.findProjectRoot(folder)
        .ifPresent(
            root -> builder.optSystemProperty(TutorialEnvironment.ROOT_PROPERTY, root.toString()));
    if (args.has("runs")) {
      builder.optSystemProperty(
          TutorialEnvironment.OUTPUT_PROPERTY, args.path("runs").toAbsolutePath().toString());
    }
    if (args.has("data")) {
      builder.optSystemProperty(
          TutorialEnvironment.DATA_PROPERTY, args.path("data").toAbsolutePath().toString());
    }
    if (timeoutSeconds != null) {
      builder.optCellTimeout(Duration.ofSeconds(timeoutSeconds));
    }
    return builder.build();
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
