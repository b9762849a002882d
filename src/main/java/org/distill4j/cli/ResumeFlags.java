package org.distill4j.cli;

import java.nio.file.Files;
import java.util.Optional;
import org.distill4j.config.Amp;
import org.distill4j.config.ConfigException;
import org.distill4j.train.RunProvenance;

/**
 * The flags a resumed run takes from its checkpoint: with {@code --resume_model DIR}, an absent
 * {@code --seed}, {@code --iters}, {@code --batch_size} or {@code --learning_rate} means the value
 * the interrupted run used, read from {@code DIR/provenance.json}; a given one is checked against
 * it by the trainer. Without a checkpoint (or with one written before provenance existed) the
 * defaults are PaddleSeg's.
 */
final class ResumeFlags {
  /** The note under which a run records the {@code --learning_rate} it was given. */
  static final String LEARNING_RATE_NOTE = "learning_rate_flag";

  private ResumeFlags() {}

  /** The provenance of the {@code --resume_model} checkpoint, if the flag is given and has one. */
  static Optional<RunProvenance> resumed(Args args) {
    if (!args.has("resume_model")) {
      return Optional.empty();
    }
    var dir = args.path("resume_model");
    if (!Files.isDirectory(dir)) {
      // Checked here, before the run writes anything into save_dir.
      throw new ConfigException(
          "resume_model: " + dir + " is not a directory; expected a checkpoint such as iter_250");
    }
    return RunProvenance.read(dir);
  }

  static long seed(Args args) {
    Optional<RunProvenance> stored = resumed(args);
    if (!args.has("seed")) {
      return stored.map(RunProvenance::seed).orElse(0L);
    }
    long given = args.intValue("seed", 0);
    stored.ifPresent(p -> agree(args, "seed", given, p.seed()));
    return given;
  }

  static Integer iters(Args args) {
    Optional<RunProvenance> stored = resumed(args);
    Integer given = args.optInt("iters");
    if (given == null) {
      return stored.map(RunProvenance::iters).orElse(null);
    }
    stored.ifPresent(p -> agree(args, "iters", given, p.iters()));
    return given;
  }

  static Integer batchSize(Args args) {
    Optional<RunProvenance> stored = resumed(args);
    Integer given = args.optInt("batch_size");
    if (given == null) {
      return stored.map(RunProvenance::batchSize).orElse(null);
    }
    stored.ifPresent(p -> agree(args, "batch_size", given, p.batchSize()));
    return given;
  }

  /**
   * {@code --amp}, checked; on resume, the checkpoint run's bf16 unless given again (then it must
   * agree).
   */
  static String amp(Args args) {
    Optional<RunProvenance> stored = resumed(args);
    String given = args.has("amp") ? Amp.parse(args.require("amp"), "--amp").configName() : null;
    if (given == null) {
      // Only a mixed-precision run adds the key: a float32 run's resolved config may have none,
      // and adding "amp: none" would make it differ from the checkpoint's.
      return stored
          .map(RunProvenance::amp)
          .filter(a -> !a.equals(Amp.NONE.configName()))
          .orElse(null);
    }
    stored
        .map(RunProvenance::amp)
        .filter(s -> !s.equals(given))
        .ifPresent(
            s -> {
              throw new ConfigException(
                  RunProvenance.contradiction(
                      "--amp",
                      given,
                      s,
                      args.path("resume_model").resolve(RunProvenance.FILE_NAME)));
            });
    return given;
  }

  /** A flag given again on resume must say what the checkpoint says; checked before any write. */
  private static void agree(Args args, String flag, long given, long stored) {
    if (given != stored) {
      throw new ConfigException(
          RunProvenance.contradiction(
              "--" + flag,
              given,
              stored,
              args.path("resume_model").resolve(RunProvenance.FILE_NAME)));
    }
  }

  static Double learningRate(Args args) {
    Double given = args.optDouble("learning_rate");
    if (given != null) {
      return given;
    }
    return resumed(args).flatMap(p -> p.note(LEARNING_RATE_NOTE)).map(Double::valueOf).orElse(null);
  }
}
