package org.distill4j.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.junit.jupiter.api.Test;

class SchedulesTest {

  private static ConfigMap section(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return new ConfigMap(map, "lr_scheduler", "run.yml");
  }

  @Test
  void polynomialDecayOfTheQuickStartConfig() {
    LearningRateSchedule s =
        Schedules.build(section("type", "PolynomialDecay", "learning_rate", 0.01), 1000);
    assertEquals(0.01, s.learningRate(0), 1e-15);
    // 0.01 * (1/1000)^0.9 = 0.01 * 10^-2.7
    assertEquals(0.01 * Math.pow(10, -2.7), s.learningRate(999), 1e-15);
    assertEquals(1.995e-5, s.learningRate(999), 1e-8);
    assertEquals(0.01 * Math.pow(0.5, 0.9), s.learningRate(500), 1e-15);
    assertEquals(0, s.learningRate(1000), 0);
    assertEquals(0, s.learningRate(1500), 0);
  }

  @Test
  void endLrPowerAndDecayStepsAreRead() {
    LearningRateSchedule s =
        Schedules.build(
            section(
                "type",
                "PolynomialDecay",
                "learning_rate",
                0.1,
                "end_lr",
                0.01,
                "power",
                2.0,
                "decay_steps",
                10),
            1000);
    assertEquals((0.1 - 0.01) * 0.7 * 0.7 + 0.01, s.learningRate(3), 1e-15);
    assertEquals(0.01, s.learningRate(20), 1e-15);
  }

  @Test
  void cycleRestartsTheDecay() {
    PolynomialDecay s = new PolynomialDecay(1.0, 0, 1.0, 10, true);
    assertEquals(1.0, s.learningRate(0), 0);
    assertEquals(0.5, s.learningRate(5), 1e-15);
    assertEquals(0.0, s.learningRate(10), 1e-15); // decay steps 10 * ceil(10/10) = 10
    assertEquals(1 - 11 / 20.0, s.learningRate(11), 1e-15); // 10 * ceil(1.1) = 20
    assertEquals(1 - 25 / 30.0, s.learningRate(25), 1e-15);
  }

  @Test
  void warmupRampsThenRunsTheShiftedDecay() {
    LearningRateSchedule s =
        Schedules.build(
            section(
                "type",
                "PolynomialDecay",
                "learning_rate",
                0.01,
                "warmup_iters",
                10,
                "warmup_start_lr",
                0.001),
            110);
    assertEquals(0.001, s.learningRate(0), 1e-15);
    assertEquals(0.001 + 0.009 * 5 / 10.0, s.learningRate(5), 1e-15);
    assertEquals(0.001 + 0.009 * 9 / 10.0, s.learningRate(9), 1e-15);
    assertEquals(0.01, s.learningRate(10), 1e-15);
    // decay_steps defaults to iters - warmup_iters = 100, evaluated at k - 10
    assertEquals(0.01 * Math.pow(0.5, 0.9), s.learningRate(60), 1e-15);
    assertEquals(0, s.learningRate(110), 0);
  }

  @Test
  void constantLr() {
    LearningRateSchedule s =
        Schedules.build(section("type", "ConstantLR", "learning_rate", 0.02), 10);
    assertEquals(0.02, s.learningRate(0));
    assertEquals(0.02, s.learningRate(9));
  }

  @Test
  void badValuesGiveOneLineErrorsAtTheirKey() {
    ConfigException missing =
        assertThrows(
            ConfigException.class, () -> Schedules.build(section("type", "PolynomialDecay"), 10));
    assertTrue(
        missing.getMessage().startsWith("run.yml: lr_scheduler.learning_rate:"),
        missing.getMessage());
    ConfigException power =
        assertThrows(
            ConfigException.class,
            () ->
                Schedules.build(
                    section("type", "PolynomialDecay", "learning_rate", 0.01, "power", 0), 10));
    assertTrue(power.getMessage().contains("lr_scheduler.power: must be > 0"), power.getMessage());
    assertThrows(
        ConfigException.class,
        () -> Schedules.build(section("type", "PolynomialDecay", "learning_rate", -0.01), 10));
    ConfigException warmup =
        assertThrows(
            ConfigException.class,
            () ->
                Schedules.build(
                    section("type", "PolynomialDecay", "learning_rate", 0.01, "warmup_iters", 5),
                    10));
    assertTrue(warmup.getMessage().contains("warmup_start_lr"), warmup.getMessage());
    ConfigException type =
        assertThrows(
            ConfigException.class,
            () -> Schedules.build(section("type", "PolynomialDecy", "learning_rate", 0.01), 10));
    assertTrue(type.getMessage().contains("did you mean 'PolynomialDecay'"), type.getMessage());
    ConfigException typo =
        assertThrows(
            ConfigException.class,
            () ->
                Schedules.build(
                    section("type", "PolynomialDecay", "learning_rate", 0.01, "endlr", 0), 10));
    assertTrue(typo.getMessage().contains("lr_scheduler.endlr"), typo.getMessage());
  }
}
