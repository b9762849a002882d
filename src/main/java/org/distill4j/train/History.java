package org.distill4j.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.distill4j.config.ErrorWords;
import org.distill4j.eval.SegMetrics;
import org.distill4j.io.AtomicFiles;

/**
 * The record of a run: every logged iteration and every evaluation, kept in memory for charts and,
 * when a directory is given, appended to {@code train_log.csv} and {@code eval_log.csv} as they
 * happen so that a crashed run keeps its history.
 */
public final class History implements TrainingListener {
  public static final String TRAIN_FILE = "train_log.csv";
  public static final String EVAL_FILE = "eval_log.csv";

  private final List<IterationLog> iterations = new ArrayList<>();
  private final List<EvalLog> evaluations = new ArrayList<>();
  private final Path directory;

  /** An in-memory history. */
  public History() {
    this(null);
  }

  /** A history that also appends to CSV files in {@code directory} (created if needed). */
  public History(Path directory) {
    this.directory = directory;
  }

  public List<IterationLog> iterations() {
    return Collections.unmodifiableList(iterations);
  }

  public List<EvalLog> evaluations() {
    return Collections.unmodifiableList(evaluations);
  }

  /** The names of the loss terms logged, in order ({@code loss} first). */
  public List<String> lossNames() {
    return iterations.isEmpty() ? List.of() : new ArrayList<>(iterations.get(0).losses().keySet());
  }

  /**
   * On a resume into the directory of an earlier run, drops the rows that run logged at or after
   * the iteration this one starts from (the killed run got past its last checkpoint), and any line
   * cut short by the kill, so the files read as one uninterrupted run.
   */
  @Override
  public synchronized void onTrainingStart(TrainingOptions options, int startIteration) {
    if (directory != null && startIteration > 1) {
      keepRowsBefore(directory.resolve(TRAIN_FILE), startIteration);
      keepRowsBefore(directory.resolve(EVAL_FILE), startIteration);
    }
  }

  private static void keepRowsBefore(Path file, int iteration) {
    if (!Files.isRegularFile(file)) {
      return;
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        return;
      }
      int columns = lines.get(0).split(",", -1).length;
      List<String> kept = new ArrayList<>(List.of(lines.get(0)));
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.split(",", -1);
        if (cells.length == columns && isIterationBefore(cells[0], iteration)) {
          kept.add(line);
        }
      }
      if (kept.size() == lines.size()) {
        return;
      }
      AtomicFiles.writeLines(file, kept);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite history file " + file, e);
    }
  }

  private static boolean isIterationBefore(String cell, int iteration) {
    try {
      return Integer.parseInt(cell) < iteration;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  public synchronized void onIteration(IterationLog log) {
    iterations.add(log);
    if (directory != null) {
      List<String> header = new ArrayList<>(List.of("iter", "epoch"));
      header.addAll(log.losses().keySet());
      header.addAll(List.of("lr", "batch_cost", "reader_cost", "ips"));
      List<Object> row = new ArrayList<>(List.of(log.iteration(), log.epoch()));
      row.addAll(log.losses().values());
      row.addAll(
          List.of(log.learningRate(), log.batchCost(), log.readerCost(), log.samplesPerSecond()));
      append(directory.resolve(TRAIN_FILE), header, row);
    }
  }

  @Override
  public synchronized void onEvaluation(EvalLog log) {
    evaluations.add(log);
    if (directory != null) {
      SegMetrics m = log.metrics();
      List<String> header =
          new ArrayList<>(List.of("iter", "miou", "acc", "kappa", "mdice", "images", "seconds"));
      List<Object> row =
          new ArrayList<>(
              List.of(
                  log.iteration(),
                  m.miou(),
                  m.acc(),
                  m.kappa(),
                  m.mdice(),
                  log.images(),
                  log.seconds()));
      for (int c = 0; c < m.classIou().length; c++) {
        header.add("iou_" + c);
        row.add(m.classIou()[c]);
      }
      append(directory.resolve(EVAL_FILE), header, row);
    }
  }

  private static void append(Path file, List<String> header, List<Object> row) {
    try {
      Files.createDirectories(file.getParent());
      boolean fresh = !Files.exists(file) || Files.size(file) == 0;
      try (BufferedWriter w =
          Files.newBufferedWriter(
              file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        if (fresh) {
          w.write(String.join(",", header));
          w.newLine();
        }
        List<String> cells = new ArrayList<>();
        for (Object o : row) {
          cells.add(
              o instanceof Double ? String.format(Locale.ROOT, "%.6g", (Double) o) : o.toString());
        }
        w.write(String.join(",", cells));
        w.newLine();
      }
    } catch (IOException e) {
      throw new org.distill4j.config.ConfigException(
          "cannot write "
              + file
              + " ("
              + ErrorWords.io(e)
              + "); the run stopped and the checkpoints written before are intact: free space or"
              + " fix the directory, then continue with --resume_model <newest iter_N>",
          e);
    }
  }

  /**
   * Reads a CSV written by this class into columns keyed by header name; used to chart runs that
   * were trained earlier or elsewhere.
   */
  public static Map<String, List<Double>> readCsv(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      Map<String, List<Double>> columns = new LinkedHashMap<>();
      if (lines.isEmpty()) {
        return columns;
      }
      String[] header = lines.get(0).split(",");
      for (String h : header) {
        columns.put(h, new ArrayList<>());
      }
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",");
        for (int i = 0; i < header.length && i < cells.length; i++) {
          columns.get(header[i]).add(Double.parseDouble(cells[i]));
        }
      }
      return columns;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read history file " + file, e);
    }
  }
}
