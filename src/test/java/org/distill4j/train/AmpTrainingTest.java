package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.distill4j.config.Amp;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.Overrides;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.testing.Bf16Cpus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training run with {@code amp: bf16}: it trains (to weights close to, and different from, the
 * float32 run's), records its precision in the checkpoint's provenance, and leaves nothing in bf16
 * behind (the thread is float32 again after each step).
 */
class AmpTrainingTest {
  @TempDir static Path tmp;
  static ResolvedConfig fp32;
  static ResolvedConfig bf16;

  @BeforeAll
  static void configs() throws Exception {
    fp32 = TrainFixtures.smokeStudentConfig(tmp, 64, 64, 3);
    bf16 = ConfigLoader.load(fp32.source(), Overrides.of(3, null, null, "bf16"));
  }

  /** Trains three steps; puts the first step's loss in {@code firstLoss}, returns the weights. */
  private static List<float[]> train(ResolvedConfig config, Path saveDir, double[] firstLoss) {
    try (TrainingSetup setup = TrainingSetup.fromConfig(config, 0)) {
      TrainFixtures.LossRecorder losses = new TrainFixtures.LossRecorder();
      SegTrainer trainer =
          setup
              .trainer(
                  TrainingOptions.builder().optSaveDir(saveDir).optSaveInterval(3).optLogIters(1))
              .addListener(losses)
              .build();
      assertEquals(config.seg().amp(), trainer.options().amp());
      TrainingResult result = trainer.train();
      assertEquals(3, result.lastIteration());
      assertEquals(Amp.NONE, org.distill4j.engine.Autocast.current());
      firstLoss[0] = losses.windows.get(0).get("loss");
      return TrainFixtures.parameters(setup.model());
    }
  }

  @Test
  void bf16TrainsCloseToFloat32AndIsRecorded() {
    Bf16Cpus.assumeBf16RunsHere();
    double[] lossA = new double[1];
    double[] lossB = new double[1];
    List<float[]> a = train(fp32, tmp.resolve("fp32"), lossA);
    List<float[]> b = train(bf16, tmp.resolve("bf16"), lossB);
    // The first step's loss comes from the first forward pass alone (same weights, same batch):
    // bf16's rounding changes it, by far less than a percent.
    assertNotEquals(lossA[0], lossB[0], "the bf16 run computed in bf16");
    assertEquals(lossA[0], lossB[0], lossA[0] * 0.01, "first loss, float32 vs bf16");
    assertEquals(a.size(), b.size());
    for (float[] weights : b) {
      for (float w : weights) {
        assertTrue(Float.isFinite(w), "finite weights after bf16 steps");
      }
    }
    RunProvenance stored = RunProvenance.read(tmp.resolve("bf16").resolve("iter_3")).orElseThrow();
    assertEquals("bf16", stored.amp());
    assertNotEquals(
        stored.configSha256(),
        RunProvenance.read(tmp.resolve("fp32").resolve("iter_3")).orElseThrow().configSha256(),
        "amp is part of the resolved config a resume is checked against");
  }

  @Test
  void javaCallersSetItInOptionsOrTheConfigNeverBothDifferently() throws Exception {
    try (TrainingSetup setup = TrainingSetup.fromConfig(fp32, 0)) {
      TrainingOptions.Builder options = TrainingOptions.builder().optSaveDir(null);
      assertEquals(Amp.BF16, setup.trainer(options.optAmp(Amp.BF16)).build().options().amp());
    }
    Path none = tmp.resolve("none.yml");
    java.nio.file.Files.writeString(none, "_base_: '" + fp32.source() + "'\namp: none\n");
    try (TrainingSetup setup = TrainingSetup.fromConfig(ConfigLoader.load(none), 0)) {
      TrainingOptions.Builder options = TrainingOptions.builder().optSaveDir(null);
      org.distill4j.config.ConfigException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              org.distill4j.config.ConfigException.class,
              () -> setup.trainer(options.optAmp(Amp.BF16)));
      assertTrue(e.getMessage().contains("contradicts the config's amp: none"), e.getMessage());
    }
  }
}
