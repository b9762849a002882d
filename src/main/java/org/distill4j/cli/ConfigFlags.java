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

  /** Loads {@code --<flag>} with the {@code --iters/--batch_size/--learning_rate} overrides. */
  static ResolvedConfig load(Args args, String flag) {
    Path file = args.path(flag);
    ResolvedConfig config =
        ConfigLoader.load(
            file,
            Overrides.of(
                args.optInt("iters"), args.optInt("batch_size"), args.optDouble("learning_rate")));
    for (String warning : new SegConfig(config.root()).warnings()) {
      System.err.println("warning: " + warning);
    }
    return config;
  }
}
