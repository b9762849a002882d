package org.distill4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.distill4j.synthetic.SyntheticFundusGenerator;

/** {@code make-dataset}: writes the synthetic optic-disc set in OpticDiscSeg's layout. */
final class MakeDatasetCommand implements Main.Command {
  @Override
  public String summary() {
    return "generate the synthetic optic-disc dataset (--out DIR --seed N --train 267 --val 76 --test 38)";
  }

  @Override
  public int run(String[] argv) {
    Args args =
        Args.parse(
            "make-dataset",
            argv,
            Set.of(),
            Set.of("out", "seed", "train", "val", "test", "width", "height"));
    Path out = Path.of(args.get("out", "data/optic_disc_seg"));
    SyntheticFundusGenerator generator = generator(args);
    long t0 = System.nanoTime();
    generator.generate(out);
    System.out.printf(
        Locale.ROOT,
        "[DATA] synthetic optic-disc set written to %s in %.1f s%n",
        out,
        (System.nanoTime() - t0) / 1e9);
    return Main.OK;
  }

  static SyntheticFundusGenerator generator(Args args) {
    return SyntheticFundusGenerator.builder()
        .optSeed(args.intValue("seed", 0))
        .optTrain(args.intValue("train", 267))
        .optVal(args.intValue("val", 76))
        .optTest(args.intValue("test", 38))
        .optImageSize(args.intValue("width", 256), args.intValue("height", 224))
        .build();
  }
}
