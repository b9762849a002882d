package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.distill4j.config.ErrorWords;
import org.distill4j.testing.SmokeRuns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures of many kinds through the command line: each is words on stderr, with no Java class name
 * and no {@code java.} package in any line, unless {@code --debug} asks for the stack trace.
 */
class UserMessagesTest {
  private static final Pattern JAVA_NAME =
      Pattern.compile("[A-Z][a-zA-Z]+(Exception|Error)\\b|java\\.");

  @TempDir static Path tmp;
  static Path config;

  @BeforeAll
  static void smokeConfigAndData() throws IOException {
    Path data = tmp.resolve("optic");
    SmokeRuns.dataset(data, 4, 1, 1, 32);
    config = tmp.resolve("c.yml");
    SmokeRuns.config(config, SmokeRuns.STUDENT, data, "");
  }

  private static String[] failure(String kind) throws IOException {
    Path file = tmp.resolve("a_file");
    Files.writeString(file, "not a directory");
    Path garbage = tmp.resolve("garbage.params");
    Files.writeString(garbage, "not weights at all");
    Path notUtf8Weights = tmp.resolve("empty_dir");
    Files.createDirectories(notUtf8Weights);
    String c = config.toString();
    return switch (kind) {
      case "missing config" ->
          new String[] {"train", "--config", tmp.resolve("nope.yml").toString()};
      case "config is a directory" -> new String[] {"check", "--config", tmp.toString()};
      case "save_dir under a file" ->
          new String[] {"train", "--config", c, "--save_dir", file.resolve("sub").toString()};
      case "missing resume checkpoint" ->
          new String[] {
            "train",
            "--config",
            c,
            "--save_dir",
            tmp.resolve("out").toString(),
            "--resume_model",
            tmp.resolve("iter_9").toString()
          };
      case "missing weights" ->
          new String[] {"eval", "--config", c, "--model_path", tmp.resolve("w.params").toString()};
      case "garbage weights" ->
          new String[] {
            "predict",
            "--config",
            c,
            "--model_path",
            garbage.toString(),
            "--save_dir",
            tmp.resolve("predicted").toString(),
            "--image_path",
            file.toString()
          };
      case "empty weights directory" ->
          new String[] {"eval", "--config", c, "--model_path", notUtf8Weights.toString()};
      case "missing image" ->
          new String[] {
            "predict",
            "--config",
            c,
            "--model_path",
            garbage.toString(),
            "--save_dir",
            tmp.resolve("predicted").toString(),
            "--image_path",
            tmp.resolve("none.png").toString()
          };
      case "unknown command" -> new String[] {"notebook", tmp.resolve("none.ipynb").toString()};
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private static final List<String> KINDS =
      List.of(
          "missing config",
          "config is a directory",
          "save_dir under a file",
          "missing resume checkpoint",
          "missing weights",
          "garbage weights",
          "empty weights directory",
          "missing image",
          "unknown command");

  @Test
  void noFailureNamesAJavaClass() throws IOException {
    List<String> problems = new ArrayList<>();
    for (String kind : KINDS) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = run(failure(kind), err);
      String text = err.toString();
      if (kind.startsWith("missing resume") && Files.exists(tmp.resolve("out"))) {
        problems.add(kind + ": wrote into save_dir before refusing");
      }
      if (code == 0 || text.isBlank()) {
        problems.add(kind + ": exit " + code + ", stderr '" + text + "'");
      }
      for (String line : text.lines().toList()) {
        if (JAVA_NAME.matcher(line).find()) {
          problems.add(kind + ": " + line);
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void debugKeepsTheStackTrace() throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> argv = new ArrayList<>(List.of(failure("garbage weights")));
    argv.add("--debug");
    assertNotEquals(0, run(argv.toArray(String[]::new), err));
    assertTrue(err.toString().contains("\tat org.distill4j."), err.toString());
    assertTrue(JAVA_NAME.matcher(err.toString()).find(), err.toString());
  }

  /** Runs with stdout captured too: nothing a command prints may name a Java class either. */
  private static int run(String[] argv, ByteArrayOutputStream err) {
    PrintStream out = System.out;
    PrintStream stderr = System.err;
    PrintStream both = new PrintStream(err, true);
    System.setOut(both);
    System.setErr(both);
    try {
      return Main.run(argv, both);
    } finally {
      System.setOut(out);
      System.setErr(stderr);
    }
  }

  @Test
  void ioExceptionsBecomeWords() {
    assertEquals(
        "no such file or directory: data/x.png",
        ErrorWords.describe(new NoSuchFileException("data/x.png")));
    assertEquals(
        "permission denied: /root/out",
        ErrorWords.describe(new UncheckedIOException(new AccessDeniedException("/root/out"))));
    assertEquals(
        "out/iter_2: disk full (no space left on device)",
        ErrorWords.describe(
            new FileSystemException("out/iter_2", null, "No space left on device")));
    assertEquals(
        "a.txt: no such file or directory",
        ErrorWords.describe(
            new java.io.FileNotFoundException("a.txt (No such file or directory)")));
    assertEquals(
        "cannot read history file h.csv: no such file or directory: h.csv",
        ErrorWords.describe(
            new UncheckedIOException(
                "cannot read history file h.csv", new NoSuchFileException("h.csv"))));
    String internal = ErrorWords.describe(new NullPointerException());
    assertTrue(internal.contains("--debug"), internal);
    assertFalse(
        JAVA_NAME
            .matcher(
                ErrorWords.describe(new RuntimeException("java.lang.IllegalStateException: x")))
            .find());
  }
}
