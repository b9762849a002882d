package org.distill4j.tutorial;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.distill4j.app.RunListeners;
import org.distill4j.config.ConfigException;

/**
 * Where a notebook finds the project and puts its runs, whatever directory its kernel started in:
 * Jupyter starts kernels in the notebook's folder, the headless executor in the JVM's working
 * directory. Each location can be set by a system property (what the {@code notebook} command and
 * the tests use) or an environment variable (what Binder uses).
 */
public final class TutorialEnvironment {
  /** System property: the project root (the directory holding {@code configs/}). */
  public static final String ROOT_PROPERTY = "distill4j.root";

  /** System property: where the notebooks' runs go. */
  public static final String OUTPUT_PROPERTY = "distill4j.output";

  /** Environment variable: where the notebooks' runs go. */
  public static final String OUTPUT_VARIABLE = "DISTILL4J_OUTPUT";

  /** System property: the dataset root. */
  public static final String DATA_PROPERTY = "distill4j.data";

  /** Environment variable: the dataset root. */
  public static final String DATA_VARIABLE = "DISTILL4J_DATA";

  /** The directory that marks the project root. */
  private static final String MARKER = "configs/quick_start";

  private TutorialEnvironment() {}

  /**
   * The project root: the {@code distill4j.root} property if set, else the nearest directory at or
   * above the working directory, else above the location of these classes ({@code target/classes}
   * or the jar), that holds {@code configs/quick_start}.
   *
   * @throws ConfigException when none is found
   */
  public static Path projectRoot() {
    String configured = System.getProperty(ROOT_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path root = Path.of(configured).toAbsolutePath().normalize();
      if (!Files.isDirectory(root.resolve(MARKER))) {
        throw new ConfigException(
            ROOT_PROPERTY + "=" + configured + " has no " + MARKER + "; is it the project root?");
      }
      return root;
    }
    List<Path> starts = new ArrayList<>();
    starts.add(Path.of("").toAbsolutePath());
    codeLocation().ifPresent(starts::add);
    for (Path start : starts) {
      Optional<Path> root = findProjectRoot(start);
      if (root.isPresent()) {
        return root.get();
      }
    }
    throw new ConfigException(
        "cannot find the distill4j project (a directory with "
            + MARKER
            + ") at or above "
            + starts
            + "; start the notebook from the project or set -D"
            + ROOT_PROPERTY);
  }

  /** The nearest directory at or above {@code start} holding {@code configs/quick_start}. */
  public static Optional<Path> findProjectRoot(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(MARKER))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> codeLocation() {
    CodeSource source = TutorialEnvironment.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(source.getLocation().toURI()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * A tutorial builder for the notebooks at {@code scale}: configs from the project root, runs in
   * {@code output/notebooks_<scale>} (or {@code distill4j.output} / {@code DISTILL4J_OUTPUT}), data
   * in the scale's dataset root (or {@code distill4j.data} / {@code DISTILL4J_DATA}). All notebooks
   * of one scale share both, so a later notebook finds what an earlier one trained. Runs print a
   * line per evaluation and are evaluated 8 times (once at smoke scale, where each evaluation costs
   * as much as the training).
   */
  public static TutorialBuilder builder(TutorialScale scale) {
    Path root = projectRoot();
    Path output =
        setting(OUTPUT_PROPERTY, OUTPUT_VARIABLE)
            .orElse(root.resolve("output").resolve("notebooks_" + scale.id()));
    Path data = setting(DATA_PROPERTY, DATA_VARIABLE).orElse(root.resolve(scale.dataRoot()));
    return Tutorial.builder()
        .optScale(scale)
        .optProjectRoot(root)
        .optOutputDir(output)
        .optDataRoot(data)
        .optProgress(RunListeners.Progress.PER_EVALUATION)
        .optEvaluationsPerRun(scale == TutorialScale.SMOKE ? 1 : 8);
  }

  /**
   * {@code text} with every absolute path inside the project root shown relative to it, as {@link
   * #shown(Path)} shows one path: for printing config sections that hold paths.
   */
  public static String shownPathsIn(String text) {
    Path root = projectRoot().toAbsolutePath().normalize();
    String prefix = root.toString() + java.io.File.separator;
    return text.replace(prefix, "");
  }

  /**
   * {@code path} as a notebook should print it: relative to the project root when it lies inside it
   * (so outputs read the same on every machine), else as given.
   */
  public static String shown(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Optional<Path> root = findProjectRoot(absolute);
    return root.isPresent() && !absolute.equals(root.get())
        ? root.get().relativize(absolute).toString()
        : absolute.toString();
  }

  private static Optional<Path> setting(String property, String variable) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(variable);
    }
    return value == null || value.isBlank()
        ? Optional.empty()
        : Optional.of(Path.of(value).toAbsolutePath().normalize());
  }
}
