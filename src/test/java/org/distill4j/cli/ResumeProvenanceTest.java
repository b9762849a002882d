package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.distill4j.models.Checksums;
import org.distill4j.testing.Bf16Cpus;
import org.distill4j.testing.SmokeRuns;
import org.distill4j.train.Checkpoints;
import org.distill4j.train.RunProvenance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resume from the checkpoint alone: a run trained with {@code --seed 7 --iters 4} and resumed from
 * its {@code iter_2} without retyping either flag ends with the same weights and optimizer state,
 * bit for bit, as the uninterrupted run; the same resume of a checkpoint without provenance (an
 * older one) assumes seed 0, warns, and ends elsewhere, which shows the seed matters here; a flag
 * that contradicts the checkpoint is one line naming both values.
 */
@Tag("slow")
class ResumeProvenanceTest {
  @TempDir static Path tmp;
  static Path config;
  static Path reference;

  @BeforeAll
  static void uninterruptedRun() {
    Path data = tmp.resolve("optic");
    SmokeRuns.dataset(data, 8, 2, 1, 64);
    config = tmp.resolve("c.yml");
    try {
      SmokeRuns.config(config, SmokeRuns.STUDENT, data, "");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    reference = tmp.resolve("reference");
    assertEquals(0, train("--save_dir", reference.toString(), "--seed", "7", "--iters", "4"));
  }

  private static int train(String... flags) {
    return train(System.err, flags);
  }

  private static int train(PrintStream err, String... flags) {
    List<String> argv = new ArrayList<>(List.of("train", "--config", config.toString()));
    argv.addAll(List.of("--save_interval", "2", "--log_iters", "1"));
    argv.addAll(Arrays.asList(flags));
    return Main.run(argv.toArray(String[]::new), err);
  }

  @Test
  void resumingWithoutRetypingTheFlagsReproducesTheRunBitForBit() throws IOException {
    Path resumed = tmp.resolve("resumed");
    Path from = reference.resolve("iter_2");
    assertEquals(0, train("--save_dir", resumed.toString(), "--resume_model", from.toString()));
    for (String file : List.of("model.params", Checkpoints.OPTIMIZER_FILE)) {
      assertArrayEquals(
          Files.readAllBytes(reference.resolve("iter_4").resolve(file)),
          Files.readAllBytes(resumed.resolve("iter_4").resolve(file)),
          file);
    }
    RunProvenance p = RunProvenance.read(resumed.resolve("iter_4")).orElseThrow();
    assertEquals(7, p.seed());
    assertEquals(4, p.iters());
  }

  @Test
  void theCheckpointAloneIsEnoughWithoutEvenTheConfigFlag() throws IOException {
    Path resumed = tmp.resolve("resumed_alone");
    String[] argv = {
      "train",
      "--save_interval",
      "2",
      "--save_dir",
      resumed.toString(),
      "--resume_model",
      reference.resolve("iter_2").toString()
    };
    assertEquals(0, Main.run(argv, System.err));
    assertArrayEquals(
        Files.readAllBytes(reference.resolve("iter_4").resolve("model.params")),
        Files.readAllBytes(resumed.resolve("iter_4").resolve("model.params")));
  }

  @Test
  void aCheckpointWithoutProvenanceResumesWithAWarningAndTheDefaults() throws IOException {
    Path legacy = tmp.resolve("legacy_iter_2");
    copy(reference.resolve("iter_2"), legacy);
    Files.delete(legacy.resolve(RunProvenance.FILE_NAME));
    Checksums.write(legacy);
    Path resumed = tmp.resolve("legacy_resumed");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    PrintStream capture = new PrintStream(err, true);
    System.setErr(capture);
    try {
      assertEquals(
          0,
          train(
              capture,
              "--save_dir",
              resumed.toString(),
              "--iters",
              "4",
              "--resume_model",
              legacy.toString()));
    } finally {
      System.setErr(oldErr);
    }
    assertTrue(
        err.toString()
            .contains(
                "has no provenance.json (written by an older distill4j); assuming the run that"
                    + " wrote it used seed 0, iters 4, batch_size 2"),
        err.toString());
    // Seed 0 instead of 7: another data order, other weights.
    assertFalse(
        Arrays.equals(
            Files.readAllBytes(reference.resolve("iter_4").resolve("model.params")),
            Files.readAllBytes(resumed.resolve("iter_4").resolve("model.params"))));
  }

  @Test
  void aFlagThatContradictsTheCheckpointIsOneLineNamingBothValues() {
    Path from = reference.resolve("iter_2");
    String seed = error("--seed", "3", "--resume_model", from.toString());
    assertTrue(
        seed.startsWith("error: --seed 3 contradicts the checkpoint's seed 7 (" + from), seed);
    String iters = error("--iters", "6", "--resume_model", from.toString());
    assertTrue(iters.startsWith("error: --iters 6 contradicts the checkpoint's iters 4"), iters);
    assertFalse(Files.exists(tmp.resolve("refused")), "refused before anything was written");
    String lr = error("--learning_rate", "0.5", "--resume_model", from.toString());
    assertTrue(
        lr.contains("config now resolves differently")
            && lr.contains("lr_scheduler.learning_rate: 0.5 now, 0.01 in the checkpoint"),
        lr);
  }

  @Test
  void aBf16RunResumesInBf16WithoutTheFlagAndRefusesAnotherPrecision() throws IOException {
    Bf16Cpus.assumeBf16RunsHere();
    Path bf16 = tmp.resolve("bf16");
    assertEquals(0, train("--save_dir", bf16.toString(), "--iters", "4", "--amp", "bf16"));
    Path from = bf16.resolve("iter_2");
    assertEquals("bf16", RunProvenance.read(from).orElseThrow().amp());
    Path resumed = tmp.resolve("bf16_resumed");
    assertEquals(0, train("--save_dir", resumed.toString(), "--resume_model", from.toString()));
    assertEquals("bf16", RunProvenance.read(resumed.resolve("iter_4")).orElseThrow().amp());
    assertArrayEquals(
        Files.readAllBytes(bf16.resolve("iter_4").resolve("model.params")),
        Files.readAllBytes(resumed.resolve("iter_4").resolve("model.params")),
        "a resumed bf16 run ends where the uninterrupted one does");
    String none = error("--amp", "none", "--resume_model", from.toString());
    assertTrue(
        none.startsWith("error: --amp none contradicts the checkpoint's amp bf16 (" + from), none);
  }

  private static String error(String... flags) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("--save_dir", tmp.resolve("refused").toString()));
    all.addAll(Arrays.asList(flags));
    assertEquals(Main.USAGE, train(new PrintStream(err, true), all.toArray(String[]::new)));
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
    return err.toString().strip();
  }

  @Test
  void everyCheckpointHoldsItsProvenanceCoveredByTheChecksums() throws IOException {
    for (String dir : List.of("iter_2", "iter_4")) {
      Path d = reference.resolve(dir);
      assertTrue(
          Files.readString(d.resolve(Checksums.MANIFEST)).contains("  " + RunProvenance.FILE_NAME));
      Checksums.verifyAll(d);
      RunProvenance p = RunProvenance.read(d).orElseThrow();
      assertEquals(7, p.seed());
      assertEquals(2, p.batchSize());
      assertTrue(p.note("command_line").orElseThrow().contains("--seed 7"));
      String json = Files.readString(d.resolve(RunProvenance.FILE_NAME));
      for (String key :
          List.of("\"config_sha256\"", "\"djl\"", "\"version\"", "\"commit\"", "\"created\"")) {
        assertTrue(json.contains(key), key + " in " + json);
      }
    }
    // A damaged provenance file stops the resume, as a damaged weights file does.
    Path damaged = tmp.resolve("damaged_iter_2");
    copy(reference.resolve("iter_2"), damaged);
    Files.writeString(
        damaged.resolve(RunProvenance.FILE_NAME),
        Files.readString(damaged.resolve(RunProvenance.FILE_NAME))
            .replace("\"seed\": 7", "\"seed\": 8"));
    String line = error("--resume_model", damaged.toString());
    assertTrue(line.contains(RunProvenance.FILE_NAME), line);
  }

  @Test
  void evalPrintsTheProvenanceOfTheWeights() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true));
    try {
      assertEquals(
          0,
          Main.run(
              new String[] {
                "eval",
                "--config",
                config.toString(),
                "--model_path",
                reference.resolve("iter_4").toString()
              },
              System.err));
    } finally {
      System.setOut(old);
    }
    String text = out.toString();
    assertTrue(text.contains("[PROVENANCE] iteration 4 of 4, seed 7, batch_size 2"), text);
    assertTrue(text.contains("[PROVENANCE] config " + config), text);
    assertTrue(text.contains("[PROVENANCE] distill4j "), text);
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
