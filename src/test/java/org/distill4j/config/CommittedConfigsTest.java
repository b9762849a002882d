package org.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.distill4j.distill.DistillSpec;
import org.distill4j.losses.DistillLossMix;
import org.distill4j.losses.KLLoss;
import org.distill4j.losses.Losses;
import org.junit.jupiter.api.Test;

/**
 * Every YAML file under {@code configs/} resolves, parses and builds its distillation parts, and
 * the CPU-scale distillation variants the README's sweep used say what their names say.
 */
class CommittedConfigsTest {
  private static final Path CONFIGS = Path.of("configs");
  private static final Path VARIANTS = CONFIGS.resolve("cpu").resolve("distill_variants");

  @Test
  void everyCommittedConfigLoadsAndBuildsItsDistillationParts() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(CONFIGS)) {
      files = s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
    assertTrue(files.size() >= 10, "configs found: " + files);
    for (Path file : files) {
      SegConfig seg = ConfigLoader.load(file).seg();
      assertTrue(seg.iters() > 0, file.toString());
      seg.distillLoss().ifPresent(s -> DistillLossMix.fromConfig(s, Losses.distillRegistry()));
      seg.distill().ifPresent(s -> DistillSpec.fromConfig(s, Losses.featureRegistry()));
    }
  }

  @Test
  void klVariantsChangeOnlyTheWeightOrTheTemperature() {
    assertArrayEquals(new double[] {1}, klMix("kl_coef1.yml").coef());
    assertArrayEquals(new double[] {10}, klMix("kl_coef10.yml").coef());
    DistillLossMix softened = klMix("kl_temperature4.yml");
    assertArrayEquals(new double[] {3}, softened.coef());
    assertEquals(4.0, ((KLLoss) softened.losses().get(0)).temperature());
    SegConfig base =
        ConfigLoader.load(CONFIGS.resolve("cpu/deeplabv3p_resnet18_os8_optic_disc_cpu_student.yml"))
            .seg();
    SegConfig variant = ConfigLoader.load(VARIANTS.resolve("kl_coef10.yml")).seg();
    assertEquals(base.iters(), variant.iters());
    assertEquals(base.batchSize(), variant.batchSize());
  }

  @Test
  void channelwiseVariantReplacesTheKlTermWithOneLogitEntry() {
    SegConfig seg = ConfigLoader.load(VARIANTS.resolve("channelwise_logits.yml")).seg();
    assertFalse(seg.distillLoss().isPresent(), "distill_loss: Null removes the KL term");
    DistillSpec spec =
        DistillSpec.fromConfig(seg.distill().orElseThrow(), Losses.featureRegistry());
    assertEquals(1, spec.entries().size());
    assertEquals(3.0, spec.entries().get(0).weight());
    assertEquals(java.util.Set.of("logit_list.0"), spec.studentTaps());
  }

  private static DistillLossMix klMix(String file) {
    SegConfig seg = ConfigLoader.load(VARIANTS.resolve(file)).seg();
    DistillLossMix mix =
        DistillLossMix.fromConfig(seg.distillLoss().orElseThrow(), Losses.distillRegistry());
    assertEquals(1, mix.losses().size());
    assertTrue(mix.losses().get(0) instanceof KLLoss, file);
    return mix;
  }
}
