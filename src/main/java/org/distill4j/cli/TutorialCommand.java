package org.distill4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.distill4j.tutorial.Tutorial;
import org.distill4j.tutorial.TutorialBuilder;
import org.distill4j.tutorial.TutorialScale;
import org.distill4j.tutorial.TutorialTable;

/** {@code tutorial}: the whole walk-through at one scale, ending with the comparison table. */
final class TutorialCommand implements Main.Command {
  @Override
  public String summary() {
    return "download or generate data if absent, train teacher and student, print the table (--scale cpu|smoke|gpu --data real|synthetic)";
  }

  /**
   * The tutorial's own seed, the teacher's: {@code --seed}, else the first of {@code --seeds}, else
   * 0.
   */
  static int tutorialSeed(Args args) {
    if (args.has("seed") || !args.has("seeds")) {
      return args.intValue("seed", 0);
    }
    return Math.toIntExact(seeds(args).get(0));
  }

  /** {@code --seeds 0,1,2} (student and distilled runs per seed), else {@code --seed}, else 0. */
  static List<Long> seeds(Args args) {
    if (!args.has("seeds")) {
      return List.of((long) args.intValue("seed", 0));
    }
    List<Long> seeds = new java.util.ArrayList<>();
    for (String part : args.require("seeds").split(",")) {
      try {
        seeds.add(Long.parseLong(part.trim()));
      } catch (NumberFormatException e) {
        throw new org.distill4j.config.ConfigException(
            "tutorial: --seeds: '" + part.trim() + "' is not an integer; expected e.g. 0,1,2");
      }
    }
    return seeds;
  }

  /** {@code --data real|synthetic}; without it, the real set when it is there or downloads. */
  static Tutorial.DataSource dataSource(String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "real" -> Tutorial.DataSource.REAL;
      case "synthetic" -> Tutorial.DataSource.SYNTHETIC;
      case "auto" -> Tutorial.DataSource.REAL_OR_SYNTHETIC;
      default ->
          throw new org.distill4j.config.ConfigException(
              "tutorial: --data must be real or synthetic, got '"
                  + value
                  + "' (the data folder is --data_root)");
    };
  }

  @Override
  public int run(String[] argv) {
    Args args =
        Args.parse(
            "tutorial",
            argv,
            Set.of(),
            Set.of(
                "scale",
                "out",
                "data",
                "data_root",
                "seed",
                "seeds",
                "num_workers",
                "amp",
                "teacher_amp"));
    TutorialScale scale = TutorialScale.parse(args.get("scale", "cpu"));
    TutorialBuilder builder =
        Tutorial.builder()
            .optScale(scale)
            .optOutputDir(Path.of(args.get("out", "output/tutorial_" + scale.id())))
            .optSeed(tutorialSeed(args))
            .optNumWorkers(args.intValue("num_workers", 2))
            .optAmp(org.distill4j.config.Amp.parse(args.get("amp", "none"), "--amp"))
            .optTeacherAmp(
                org.distill4j.config.Amp.parse(args.get("teacher_amp", "none"), "--teacher_amp"));
    builder.optDataSource(dataSource(args.get("data", "auto")));
    if (args.has("data_root")) {
      builder.optDataRoot(args.path("data_root"));
    }
    long t0 = System.nanoTime();
    List<Tutorial.Row> rows = builder.build().run(seeds(args));
    System.out.println();
    System.out.print(TutorialTable.format(rows));
    System.out.printf(
        "[TUTORIAL] %s scale finished in %.1f minutes%n",
        scale.id(), (System.nanoTime() - t0) / 60e9);
    return Main.OK;
  }
}
