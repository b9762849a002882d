package org.distill4j.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ErrorWords;
import org.distill4j.errors.CheckpointException;
import org.distill4j.io.FileTrees;
import org.distill4j.models.Checksums;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.optim.SegOptimizer;

/**
 * Checkpoint directories in PaddleSeg's layout: {@code iter_N/} with the model weights, the
 * optimizer state and the loop state, and {@code best_model/} with weights only. Each directory is
 * written under a temporary name, given a SHA-256 manifest ({@link Checksums}) and renamed when
 * complete, so a killed run never leaves a half-written checkpoint behind and a file damaged later
 * is caught when it is loaded.
 */
public final class Checkpoints {
  /** Weights file name inside a checkpoint directory (without DJL's suffix). */
  public static final String MODEL_NAME = "model";

  public static final String OPTIMIZER_FILE = "optimizer.state";
  public static final String STATE_FILE = "train_state.properties";
  public static final String CONFIG_FILE = "config.yml";
  public static final String BEST_DIR = "best_model";

  private final Path saveDir;

  private final Map<String, Block> extras;

  private final RunProvenance provenance;

  public Checkpoints(Path saveDir) {
    this(saveDir, Map.of());
  }

  public Checkpoints(Path saveDir, Map<String, Block> extras) {
    this(saveDir, extras, null);
  }

  /**
   * @param extras blocks saved beside the model in every checkpoint as {@code <name>.params} (a
   *     distillation's connectors)
   * @param provenance written into every checkpoint as {@link RunProvenance#FILE_NAME}; null for
   *     none
   */
  public Checkpoints(Path saveDir, Map<String, Block> extras, RunProvenance provenance) {
    this.saveDir = saveDir;
    this.extras = new java.util.LinkedHashMap<>(extras);
    this.provenance = provenance;
  }

  /** The loop state stored beside the weights. */
  public record LoopState(int iteration, double bestMiou, int bestIteration) {}

  /** Writes {@code iter_N/} with weights, optimizer state, loop state and the config. */
  public Path saveIteration(
      SegmentationModel model, SegOptimizer optimizer, LoopState state, String configYaml) {
    Path target = saveDir.resolve("iter_" + state.iteration());
    return writeAtomically(
        target,
        tmp -> {
          model.saveWeights(tmp, MODEL_NAME);
          saveExtras(tmp, extras);
          optimizer.saveState(tmp.resolve(OPTIMIZER_FILE));
          writeState(tmp.resolve(STATE_FILE), state);
          writeConfig(tmp, configYaml);
          writeProvenance(tmp, state.iteration());
        });
  }

  /** Writes {@code best_model/} with the weights and the loop state of the best evaluation. */
  public Path saveBest(SegmentationModel model, LoopState state, String configYaml) {
    return writeAtomically(
        saveDir.resolve(BEST_DIR),
        tmp -> {
          model.saveWeights(tmp, MODEL_NAME);
          saveExtras(tmp, extras);
          writeState(tmp.resolve(STATE_FILE), state);
          writeConfig(tmp, configYaml);
          writeProvenance(tmp, state.iteration());
        });
  }

  /** Deletes the oldest {@code iter_N} directories beyond {@code keep}. */
  public void prune(int keep) {
    List<Path> dirs = iterationDirs();
    for (int i = 0; i < dirs.size() - keep; i++) {
      deleteRecursively(dirs.get(i));
    }
  }

  /** The complete {@code iter_N} directories, oldest first. */
  public List<Path> iterationDirs() {
    List<Path> dirs = new ArrayList<>();
    if (!Files.isDirectory(saveDir)) {
      return dirs;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(saveDir, "iter_*")) {
      for (Path p : stream) {
        if (Files.isDirectory(p) && parseIteration(p) > 0) {
          dirs.add(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    dirs.sort(Comparator.comparingInt(Checkpoints::parseIteration));
    return dirs;
  }

  /**
   * Restores weights and optimizer state from an {@code iter_N} directory and returns the loop
   * state to continue from.
   */
  public static LoopState resume(SegmentationModel model, SegOptimizer optimizer, Path dir) {
    return resume(model, Map.of(), optimizer, dir);
  }

  /** As {@link #resume(SegmentationModel, SegOptimizer, Path)}, also restoring {@code extras}. */
  public static LoopState resume(
      SegmentationModel model, Map<String, Block> extras, SegOptimizer optimizer, Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ConfigException(
          "resume_model: " + dir + " is not a directory; expected a checkpoint such as iter_250");
    }
    // Every file of the checkpoint, the optimizer state included, before anything is loaded.
    if (Checksums.present(dir)) {
      Checksums.verifyAll(dir);
    } else {
      System.err.println(
          "warning: " + dir + " has no " + Checksums.MANIFEST + "; its files cannot be verified");
    }
    model.loadWeights(dir);
    loadExtras(dir, extras, model.manager());
    Path opt = dir.resolve(OPTIMIZER_FILE);
    if (!Files.exists(opt)) {
      throw new ConfigException(
          "resume_model: "
              + dir
              + " has no "
              + OPTIMIZER_FILE
              + "; only iter_N directories resume");
    }
    optimizer.loadState(opt);
    Path stateFile = dir.resolve(STATE_FILE);
    if (Files.exists(stateFile)) {
      return readState(stateFile);
    }
    int iter = parseIteration(dir);
    if (iter <= 0) {
      throw new ConfigException(
          "resume_model: cannot tell the iteration of " + dir + "; expected a name like iter_250");
    }
    return new LoopState(iter, Double.NaN, 0);
  }

  private static void saveExtras(Path dir, Map<String, Block> extras) throws IOException {
    for (Map.Entry<String, Block> e : extras.entrySet()) {
      try (DataOutputStream out =
          new DataOutputStream(
              new BufferedOutputStream(
                  Files.newOutputStream(dir.resolve(e.getKey() + ".params"))))) {
        e.getValue().saveParameters(out);
      }
    }
  }

  /**
   * Loads each extra block's parameters saved by {@link #saveExtras}; a missing file is an error.
   */
  public static void loadExtras(Path dir, Map<String, Block> extras, NDManager manager) {
    for (Map.Entry<String, Block> e : extras.entrySet()) {
      Path file = dir.resolve(e.getKey() + ".params");
      if (!Files.isRegularFile(file)) {
        throw new CheckpointException(
            dir
                + ": no "
                + file.getFileName()
                + "; this checkpoint was not written by a run with "
                + e.getKey());
      }
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
        e.getValue().loadParameters(manager, in);
        // Loading replaces the arrays; trainable ones need their gradient back.
        for (var p : e.getValue().getParameters().values()) {
          if (p.requiresGradient()) {
            p.getArray().setRequiresGradient(true);
          }
        }
      } catch (IOException | ai.djl.MalformedModelException | RuntimeException ex) {
        throw new CheckpointException(
            file + ": cannot be loaded into " + e.getKey() + " (" + ErrorWords.describe(ex) + ")");
      }
    }
  }

  /** The integer after the last underscore of a directory name, as PaddleSeg parses it; or -1. */
  public static int parseIteration(Path dir) {
    String name = dir.getFileName().toString();
    int us = name.lastIndexOf('_');
    try {
      return us < 0 ? -1 : Integer.parseInt(name.substring(us + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Reads the loop state file of a checkpoint directory. */
  public static LoopState readState(Path file) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
      return new LoopState(
          Integer.parseInt(p.getProperty("iteration")),
          Double.parseDouble(p.getProperty("best_miou", "NaN")),
          Integer.parseInt(p.getProperty("best_iteration", "0")));
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException(
          "cannot read checkpoint state " + file + ": " + ErrorWords.describe(e), e);
    }
  }

  private static void writeState(Path file, LoopState state) throws IOException {
    Properties p = new Properties();
    p.setProperty("iteration", Integer.toString(state.iteration()));
    p.setProperty("best_miou", Double.toString(state.bestMiou()));
    p.setProperty("best_iteration", Integer.toString(state.bestIteration()));
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "distill4j loop state");
    }
  }

  private void writeProvenance(Path dir, int iteration) throws IOException {
    if (provenance != null) {
      provenance.write(dir, iteration);
    }
  }

  private static void writeConfig(Path dir, String configYaml) throws IOException {
    if (configYaml != null) {
      Files.writeString(dir.resolve(CONFIG_FILE), configYaml);
    }
  }

  /** Writes the files of one checkpoint into a (temporary) directory. */
  interface DirWriter {
    void write(Path tmp) throws IOException;
  }

  /**
   * Writes {@code target} through {@code writer} into a temporary sibling, adds the manifest and
   * renames it into place. If anything fails (a full disk, a directory that went away) the
   * temporary directory is removed, an earlier {@code target} is left or put back as it was, and
   * the error says which checkpoints remain.
   */
  static Path writeAtomically(Path target, DirWriter writer) {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + System.nanoTime());
    Path old = null;
    try {
      Files.createDirectories(tmp);
      writer.write(tmp);
      Checksums.write(tmp);
      if (Files.exists(target)) {
        old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
        Files.move(target, old);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target);
      }
      if (old != null) {
        deleteRecursively(old);
      }
      return target;
    } catch (IOException | UncheckedIOException e) {
      quietly(() -> deleteRecursively(tmp));
      Path previous = old;
      if (previous != null && !Files.exists(target)) {
        quietly(() -> Files.move(previous, target));
      }
      throw new ConfigException(
          "cannot write checkpoint "
              + target
              + " ("
              + reason(e)
              + "); the run stopped and the checkpoints written before are intact: free space"
              + " or fix the directory, then continue with --resume_model <newest iter_N>",
          e);
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  /** Cleanup after a failed write: best effort, the first error is the one reported. */
  private static void quietly(IoAction action) {
    try {
      action.run();
    } catch (IOException | UncheckedIOException ignored) {
      // The write already failed; the message names that failure.
    }
  }

  private static String reason(Exception e) {
    return ErrorWords.describe(e);
  }

  static void deleteRecursively(Path dir) {
    try {
      FileTrees.deleteRecursively(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
