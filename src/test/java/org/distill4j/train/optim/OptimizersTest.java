package org.distill4j.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.junit.jupiter.api.Test;

class OptimizersTest {

  private static ConfigMap section(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return new ConfigMap(map, "optimizer", "run.yml");
  }

  @Test
  void paddleSegSgdIsMomentumWithDefaultPointNine() {
    for (String type : new String[] {"sgd", "SGD", "Momentum"}) {
      try (SegOptimizer opt = Optimizers.build(section("type", type, "weight_decay", "4.0e-5"))) {
        Momentum momentum = assertInstanceOf(Momentum.class, opt);
        assertEquals(0.9, momentum.momentum());
        assertEquals(4.0e-5, momentum.weightDecay());
      }
    }
  }

  @Test
  void adamFamilyDefaults() {
    try (SegOptimizer adam = Optimizers.build(section("type", "adam"))) {
      assertEquals(0.0, assertInstanceOf(Adam.class, adam).weightDecay());
    }
    try (SegOptimizer adamw = Optimizers.build(section("type", "AdamW"))) {
      assertEquals(0.01, assertInstanceOf(AdamW.class, adamw).weightDecay());
    }
  }

  @Test
  void rangesAreValidated() {
    ConfigException momentum =
        assertThrows(
            ConfigException.class, () -> Optimizers.build(section("type", "sgd", "momentum", 1.0)));
    assertEquals("run.yml: optimizer.momentum: must be in [0, 1), got 1.0", momentum.getMessage());
    ConfigException decay =
        assertThrows(
            ConfigException.class,
            () -> Optimizers.build(section("type", "sgd", "weight_decay", -1)));
    assertTrue(decay.getMessage().startsWith("run.yml: optimizer.weight_decay:"));
    assertThrows(
        ConfigException.class, () -> Optimizers.build(section("type", "Adam", "beta2", 1.5)));
    assertThrows(
        ConfigException.class, () -> Optimizers.build(section("type", "Adam", "epsilon", 0)));
  }

  @Test
  void unknownTypeAndKeysAreReported() {
    ConfigException type =
        assertThrows(ConfigException.class, () -> Optimizers.build(section("type", "RMSProp")));
    assertTrue(type.getMessage().contains("optimizer.type"), type.getMessage());
    assertTrue(type.getMessage().contains("Momentum, Adam, AdamW"), type.getMessage());
    ConfigException key =
        assertThrows(
            ConfigException.class,
            () -> Optimizers.build(section("type", "sgd", "weight_decy", 0.1)));
    assertTrue(key.getMessage().contains("did you mean 'weight_decay'"), key.getMessage());
  }
}
