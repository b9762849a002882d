package org.distill4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.Registry;
import org.junit.jupiter.api.Test;

/** Building the feature losses through {@link Losses#featureRegistry()} and their key checks. */
class FeatureLossConfigTest {
  private final Registry<DistillLoss> registry = Losses.featureRegistry();

  /** A mapping at key path {@code loss} of file {@code distill.yml}. */
  private static ConfigMap config(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return new ConfigMap(map, "loss", "distill.yml");
  }

  private ConfigException failure(Object... keyValues) {
    return assertThrows(ConfigException.class, () -> registry.build(config(keyValues)));
  }

  private static void assertStartsWith(String prefix, String message) {
    assertTrue(message.startsWith(prefix), message);
  }

  @Test
  void registryHasEveryFeatureLoss() {
    assertEquals("feature distillation loss", registry.kind());
    assertEquals(
        Set.of(
            "KLLoss",
            "SegChannelwiseLoss",
            "PaddleSlimChannelwiseLoss",
            "HintLoss",
            "L2Loss",
            "L1Loss",
            "AttentionTransferLoss",
            "PairwiseSimilarityLoss"),
        registry.types());
    for (String type : registry.types()) {
      assertEquals(type, registry.build(config("type", type)).name());
    }
  }

  @Test
  void defaults() {
    assertEquals(
        1.0,
        assertInstanceOf(
                SegChannelwiseLoss.class, registry.build(config("type", "SegChannelwiseLoss")))
            .tau());
    assertEquals(
        2.0,
        assertInstanceOf(
                AttentionTransferLoss.class,
                registry.build(config("type", "AttentionTransferLoss")))
            .p());
    assertEquals(
        1,
        assertInstanceOf(
                PairwiseSimilarityLoss.class,
                registry.build(config("type", "PairwiseSimilarityLoss")))
            .poolScale());
  }

  @Test
  void keysAreRead() {
    DistillLoss cwd = registry.build(config("type", "SegChannelwiseLoss", "tau", 4));
    assertEquals(4.0, assertInstanceOf(SegChannelwiseLoss.class, cwd).tau());
    DistillLoss alias = registry.build(config("type", "ChannelWiseDivergence", "tau", 0.5));
    assertEquals(0.5, assertInstanceOf(SegChannelwiseLoss.class, alias).tau());
    DistillLoss at = registry.build(config("type", "AttentionTransferLoss", "p", 4));
    assertEquals(4.0, assertInstanceOf(AttentionTransferLoss.class, at).p());
    DistillLoss pairwise =
        registry.build(config("type", "PairwiseSimilarityLoss", "pool_scale", 2));
    assertEquals(2, assertInstanceOf(PairwiseSimilarityLoss.class, pairwise).poolScale());
    assertInstanceOf(HintLoss.class, registry.build(config("type", "L2Loss")));
  }

  @Test
  void unknownKeysAreNamedWithTheirPath() {
    ConfigException typo = failure("type", "SegChannelwiseLoss", "temperature", 4);
    assertStartsWith(
        "distill.yml: loss.temperature: unknown key for SegChannelwiseLoss", typo.getMessage());
    assertTrue(typo.getMessage().contains("known keys: tau, type"), typo.getMessage());
    for (String type : List.of("PaddleSlimChannelwiseLoss", "HintLoss", "L2Loss", "L1Loss")) {
      assertStartsWith(
          "distill.yml: loss.tau: unknown key", failure("type", type, "tau", 1).getMessage());
    }
    assertStartsWith(
        "distill.yml: loss.pool: unknown key",
        failure("type", "PairwiseSimilarityLoss", "pool", 2).getMessage());
    assertTrue(
        failure("type", "AttentionTransferLoss", "q", 2).getMessage().contains("did you mean 'p'"));
  }

  @Test
  void outOfRangeValuesNameKeyAndRange() {
    for (Object tau : List.of(0, -1.5, Double.POSITIVE_INFINITY, Double.NaN)) {
      assertStartsWith(
          "distill.yml: loss.tau: must be a finite number > 0, got ",
          failure("type", "SegChannelwiseLoss", "tau", tau).getMessage());
    }
    assertStartsWith(
        "distill.yml: loss.p: must be a finite number >= 1, got 0.5",
        failure("type", "AttentionTransferLoss", "p", 0.5).getMessage());
    assertStartsWith(
        "distill.yml: loss.pool_scale: must be an integer >= 1, got 0",
        failure("type", "PairwiseSimilarityLoss", "pool_scale", 0).getMessage());
    assertStartsWith(
        "distill.yml: loss.pool_scale: ",
        failure("type", "PairwiseSimilarityLoss", "pool_scale", 1.5).getMessage());
    assertStartsWith(
        "distill.yml: loss.tau: ",
        failure("type", "SegChannelwiseLoss", "tau", "four").getMessage());
  }

  @Test
  void unknownTypeListsTheFeatureLosses() {
    ConfigException e = failure("type", "AttentionTransfer");
    assertStartsWith(
        "distill.yml: loss.type: unknown feature distillation loss type", e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'AttentionTransferLoss'"), e.getMessage());
    assertTrue(e.getMessage().contains("PairwiseSimilarityLoss"), e.getMessage());
  }

  @Test
  void javaConstructorsRejectOutOfRangeValues() {
    assertThrows(IllegalArgumentException.class, () -> new SegChannelwiseLoss(0));
    assertThrows(IllegalArgumentException.class, () -> new SegChannelwiseLoss(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new AttentionTransferLoss(0.9));
    assertThrows(IllegalArgumentException.class, () -> new PairwiseSimilarityLoss(0));
  }
}
