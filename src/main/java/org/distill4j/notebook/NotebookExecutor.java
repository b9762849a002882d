package org.distill4j.notebook;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.distill4j.config.ConfigException;

/**
 * Runs every code cell of a notebook in order, headless, with the IJava kernel's semantics, and
 * stores the outputs in the cells: each notebook gets a fresh JShell in this JVM (no state shared
 * between notebooks), so snippets use the project's classes directly and a cell's last expression
 * is rendered from the live object (images as PNG). Execution stops at the first failing cell;
 * later code cells are cleared so the notebook never mixes fresh and stale outputs.
 *
 * <p>Notebooks run one at a time per JVM (stdout, stderr and the display functions are
 * process-wide); concurrent calls wait. Relative paths in magics resolve against the working
 * directory; relative paths in Java code resolve against the JVM's own working directory, which a
 * running JVM cannot change.
 *
 * <pre>{@code
 * NotebookExecutor executor = NotebookExecutor.builder()
 *     .optWorkingDirectory(Path.of("notebooks"))
 *     .optSystemProperty("distill4j.scale", "smoke")
 *     .optCellTimeout(Duration.ofMinutes(10))
 *     .build();
 * ExecutionResult result = executor.execute(Notebook.read(file));
 * }</pre>
 */
public final class NotebookExecutor {
  private static final ReentrantLock ONE_NOTEBOOK_AT_A_TIME = new ReentrantLock();

  private final ExecutorSettings settings;
  private final Map<String, String> systemProperties;

  private NotebookExecutor(Builder builder) {
    this.settings =
        new ExecutorSettings(
            builder.workingDirectory,
            List.copyOf(builder.classpath),
            builder.cellTimeout,
            builder.echoOutput,
            builder.mavenRepository,
            Set.copyOf(builder.providedArtifacts),
            builder.log);
    this.systemProperties = new LinkedHashMap<>(builder.systemProperties);
  }

  /** A builder with the defaults: current directory, no timeout, no extra classpath. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the notebook's code cells in order and records their outputs and prompt numbers in the
   * notebook (which is modified in place). The system properties set on the builder are visible
   * during the run and restored afterwards.
   */
  public ExecutionResult execute(Notebook notebook) {
    ONE_NOTEBOOK_AT_A_TIME.lock();
    Map<String, String> previous = applySystemProperties();
    long start = System.nanoTime();
    List<ExecutionResult.CellTime> times = new ArrayList<>();
    String error = null;
    int failedIndex = -1;
    int failedNumber = -1;
    try (NotebookSession session = new NotebookSession(settings)) {
      int executionCount = 0;
      int codeCellNumber = 0;
      List<Cell> cells = notebook.cells();
      for (int index = 0; index < cells.size(); index++) {
        Cell cell = cells.get(index);
        if (!cell.isCode()) {
          continue;
        }
        codeCellNumber++;
        if (error != null || cell.source().isBlank()) {
          cell.clearOutputs(); // not run: after a failure, or empty (as nbclient skips them)
          continue;
        }
        long cellStart = System.nanoTime();
        CellFailure failure = session.runCell(cell, codeCellNumber, ++executionCount);
        times.add(
            new ExecutionResult.CellTime(
                index, codeCellNumber, Duration.ofNanos(System.nanoTime() - cellStart)));
        if (failure != null) {
          failedIndex = index;
          failedNumber = codeCellNumber;
          error =
              "cell index "
                  + index
                  + " (code cell "
                  + codeCellNumber
                  + "): "
                  + failure.getMessage();
        }
      }
    } finally {
      restoreSystemProperties(previous);
      ONE_NOTEBOOK_AT_A_TIME.unlock();
    }
    notebook.ensureJavaKernelMetadata();
    return new ExecutionResult(
        failedIndex, failedNumber, error, times, Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Reads {@code input}, runs it and writes it with its new outputs to {@code output} (which may be
   * {@code input}), also when a cell failed, so the failing cell's error can be inspected.
   */
  public ExecutionResult executeFile(Path input, Path output) throws IOException {
    Notebook notebook = Notebook.read(input);
    ExecutionResult result = execute(notebook);
    notebook.write(output);
    return result;
  }

  private Map<String, String> applySystemProperties() {
    Map<String, String> previous = new HashMap<>();
    systemProperties.forEach(
        (key, value) -> {
          previous.put(key, System.getProperty(key));
          System.setProperty(key, value);
        });
    return previous;
  }

  private static void restoreSystemProperties(Map<String, String> previous) {
    previous.forEach(
        (key, value) -> {
          if (value == null) {
            System.clearProperty(key);
          } else {
            System.setProperty(key, value);
          }
        });
  }

  /** Options of a {@link NotebookExecutor}. */
  public static final class Builder {
    private Path workingDirectory = Path.of("").toAbsolutePath();
    private final List<Path> classpath = new ArrayList<>();
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private Duration cellTimeout;
    private boolean echoOutput;
    private Path mavenRepository = defaultMavenRepository();
    private final Set<String> providedArtifacts = new LinkedHashSet<>();
    private Consumer<String> log = defaultLog(System.err);

    private Builder() {}

    private static Path defaultMavenRepository() {
      String configured = System.getProperty("maven.repo.local");
      return configured != null
          ? Path.of(configured)
          : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    private static Consumer<String> defaultLog(PrintStream stream) {
      return note -> stream.println("notebook: " + note);
    }

    /**
     * The directory relative paths in {@code %jars}, {@code %classpath}, {@code %load} and extra
     * classpath entries resolve against (default: the current directory).
     */
    public Builder optWorkingDirectory(Path directory) {
      this.workingDirectory = directory.toAbsolutePath().normalize();
      return this;
    }

    /** Extra classpath entries (jars or class directories) visible to every notebook. */
    public Builder optClasspath(List<Path> entries) {
      classpath.addAll(entries);
      return this;
    }

    /**
     * A system property set while a notebook runs (and restored afterwards), e.g. {@code
     * distill4j.scale}; environment variables cannot be changed inside a running JVM.
     */
    public Builder optSystemProperty(String key, String value) {
      systemProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    /** The longest a single cell may run; the cell is then stopped and fails. Default: none. */
    public Builder optCellTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("cell timeout must be positive, got " + timeout);
      }
      this.cellTimeout = timeout;
      return this;
    }

    /** Also copy what cells print to the executor's own stdout/stderr (progress). Default off. */
    public Builder optEchoOutput(boolean echo) {
      this.echoOutput = echo;
      return this;
    }

    /** The local Maven repository {@code %maven} reads (default ~/.m2/repository). */
    public Builder optMavenRepository(Path repository) {
      this.mavenRepository = repository.toAbsolutePath();
      return this;
    }

    /**
     * Declares an artifact ({@code groupId:artifactId}) as already on the executor's classpath, so
     * {@code %maven} lines for it are skipped. Jars with Maven's {@code pom.properties} are
     * recognised without this; it is needed for classes from a directory such as the project's own
     * {@code target/classes}.
     */
    public Builder optProvidedArtifact(String groupAndArtifact) {
      if (groupAndArtifact.split(":").length != 2) {
        throw new IllegalArgumentException(
            "expected groupId:artifactId, got '" + groupAndArtifact + "'");
      }
      providedArtifacts.add(groupAndArtifact);
      return this;
    }

    /** Where notes of the executor go (e.g. what {@code %maven} resolved). Default: stderr. */
    public Builder optLog(Consumer<String> log) {
      this.log = Objects.requireNonNull(log);
      return this;
    }

    /**
     * Builds the executor.
     *
     * @throws ConfigException when the working directory or a classpath entry does not exist
     */
    public NotebookExecutor build() {
      if (!Files.isDirectory(workingDirectory)) {
        throw new ConfigException(
            "notebook working directory "
                + workingDirectory
                + " does not exist or is not a directory");
      }
      List<Path> resolved = new ArrayList<>();
      for (Path entry : classpath) {
        Path absolute = workingDirectory.resolve(entry).normalize();
        if (!Files.exists(absolute)) {
          throw new ConfigException("notebook classpath entry " + absolute + " does not exist");
        }
        resolved.add(absolute);
      }
      classpath.clear();
      classpath.addAll(resolved);
      return new NotebookExecutor(this);
    }
  }
}
