package org.distill4j.tutorial;

import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.config.ConfigException;
import org.distill4j.data.OpticDiscSeg;
import org.distill4j.synthetic.SyntheticFundusGenerator;

/** Where the tutorial's images come from: the data root as found, downloaded or generated. */
final class TutorialData {
  private TutorialData() {}

  /**
   * Fills {@code dataRoot} when it has no dataset, from {@code data}, and says in one line which
   * data the run uses. Returns true if it wrote data.
   */
  static boolean ensure(Path dataRoot, Tutorial.DataSource data, TutorialScale scale) {
    String shown = TutorialEnvironment.shown(dataRoot);
    if (Files.exists(dataRoot.resolve("train_list.txt"))) {
      return false;
    }
    if (data != Tutorial.DataSource.SYNTHETIC && !Files.exists(dataRoot)) {
      try {
        OpticDiscSeg.download(dataRoot);
        System.out.println("[DATA] using PaddleSeg's optic-disc set, downloaded to " + shown);
        return true;
      } catch (ConfigException e) {
        if (data == Tutorial.DataSource.REAL) {
          throw e;
        }
        System.out.println(
            "[DATA] the real optic-disc set could not be downloaded; generating the synthetic set"
                + " at "
                + shown
                + " instead");
      }
    } else {
      System.out.println(
          "[DATA] no dataset at " + shown + "; generating the synthetic optic-disc set");
    }
    SyntheticFundusGenerator.builder()
        .optSeed(0)
        .optTrain(scale.trainImages())
        .optVal(scale.valImages())
        .optTest(scale.testImages())
        .optImageSize(scale.imageWidth(), scale.imageHeight())
        .build()
        .generate(dataRoot);
    return true;
  }
}
