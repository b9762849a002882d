package org.distill4j.cli;

import java.nio.file.Files;
import java.util.Optional;
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
    return args.has("seed")
        ? args.intValue("seed", 0)
        : resumed(args).map(RunProvenance::seed).orElse(0L);
  }

  static Integer iters(Args args) {
    Integer given = args.optInt("iters");
    return given != null ? given : resumed(args).map(RunProvenance::iters).orElse(null);
  }

  static Integer batchSize(Args args) {
    Integer given = args.optInt("batch_size");
    return given != null ? given : resumed(args).map(RunProvenance::batchSize).orElse(null);
  }

  static Double learningRate(Args args) {
    Double given = args.optDouble("learning_rate");
    if (given != null) {
      return given;
    }
    return resumed(args).flatMap(p -> p.note(LEARNING_RATE_NOTE)).map(Double::valueOf).orElse(null);
  }
}
