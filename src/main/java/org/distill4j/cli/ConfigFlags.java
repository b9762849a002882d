package org.distill4j.cli;

import java.nio.file.Path;
import java.util.Set;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.Overrides;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.config.SegConfig;
import org.distill4j.train.Checkpoints;

/** Loading a config from the flags every command shares, printing unknown-key warnings. */
final class ConfigFlags {
  static final Set<String> OVERRIDES = Set.of("iters", "batch_size", "learning_rate", "amp");

  private ConfigFlags() {}

  /** A resumed run without a config flag: the resolved config stored in the checkpoint. */
  private static Path checkpointConfig(Args args) {
    ResumeFlags.resumed(args); // refuses a resume_model that is not a directory
    Path file = args.path("resume_model").resolve(Checkpoints.CONFIG_FILE);
    System.err.println("note: no config flag; using the checkpoint's resolved config " + file);
    return file;
  }

  /**
   * Loads {@code --<flag>} with the {@code --iters/--batch_size/--learning_rate/--amp} overrides
   * (when resuming, those the checkpoint's run used unless given again; see {@link ResumeFlags}). A
   * resumed run given no config flag uses the resolved config stored in the checkpoint.
   */
  static ResolvedConfig load(Args args, String flag) {
    Path file =
        args.has(flag) || !args.has("resume_model") ? args.path(flag) : checkpointConfig(args);
    ResolvedConfig config =
        ConfigLoader.load(
            file,
            Overrides.of(
                ResumeFlags.iters(args),
                ResumeFlags.batchSize(args),
                ResumeFlags.learningRate(args),
                ResumeFlags.amp(args)));
    for (String warning : new SegConfig(config.root()).warnings()) {
      System.err.println("warning: " + warning);
    }
    return config;
  }
}
