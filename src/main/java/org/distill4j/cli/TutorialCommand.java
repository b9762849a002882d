package org.distill4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.distill4j.tutorial.Tutorial;
import org.distill4j.tutorial.TutorialScale;

/** {@code tutorial}: the whole walk-through at one scale, ending with the comparison table. */
final class TutorialCommand implements Main.Command {
  @Override
  public String summary() {
    return "generate data if absent, train teacher and student, print the table (--scale cpu|smoke|gpu)";
  }

  @Override
  public int run(String[] argv) {
    Args args =
        Args.parse(
            "tutorial", argv, Set.of(), Set.of("scale", "out", "data", "seed", "num_workers"));
    TutorialScale scale = TutorialScale.parse(args.get("scale", "cpu"));
    Tutorial.Builder builder =
        Tutorial.builder()
            .optScale(scale)
            .optOutputDir(Path.of(args.get("out", "output/tutorial_" + scale.id())))
            .optSeed(args.intValue("seed", 0))
            .optNumWorkers(args.intValue("num_workers", 2));
    if (args.has("data")) {
      builder.optDataRoot(args.path("data"));
    }
    long t0 = System.nanoTime();
    List<Tutorial.Row> rows = builder.build().run();
    System.out.println();
    System.out.print(Tutorial.table(rows));
    System.out.printf(
        "[TUTORIAL] %s scale finished in %.1f minutes%n",
        scale.id(), (System.nanoTime() - t0) / 60e9);
    return Main.OK;
  }
}
