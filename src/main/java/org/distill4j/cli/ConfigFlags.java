package org.distill4j.cli;

import java.nio.file.Path;
import java.util.Set;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.Overrides;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.config.SegConfig;

/** Loading a config from the flags every command shares, printing unknown-key warnings. */
final class ConfigFlags {
  static final Set<String> OVERRIDES = Set.of("iters", "batch_size", "learning_rate");

  private ConfigFlags() {}

  /**
   * Loads {@code --<flag>} with the {@code --iters/--batch_size/--learning_rate} overrides (when
   * resuming, those the checkpoint's run used unless given again; see {@link ResumeFlags}).
   */
  static ResolvedConfig load(Args args, String flag) {
    Path file = args.path(flag);
    ResolvedConfig config =
        ConfigLoader.load(
            file,
            Overrides.of(
                ResumeFlags.iters(args),
                ResumeFlags.batchSize(args),
                ResumeFlags.learningRate(args)));
    for (String warning : new SegConfig(config.root()).warnings()) {
      System.err.println("warning: " + warning);
    }
    return config;
  }
}
