package org.distill4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LossMixTest {
  private static final int[] LABELS = {0, 1, 255, 1, 0, 0, 1, 255};
  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private static ConfigMap section(List<Object> types, List<Object> coef) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("types", types);
    map.put("coef", coef);
    return new ConfigMap(map, "loss", "cfg.yml");
  }

  private NDArray logits(double[] z) {
    return manager.create(Reference.toFloat(z), new Shape(2, 2, 2, 2));
  }

  @Test
  void totalIsCoefWeightedSumPairedWithOutputs() {
    ConfigMap cfg =
        section(
            List.of(
                Map.of("type", "CrossEntropyLoss"),
                Map.of("type", "CrossEntropyLoss", "weight", List.of(1.0, 3.0))),
            List.of(1, 0.4));
    LossMix mix = LossMix.fromConfig(cfg, Losses.registry());
    double[] z0 = Reference.randomLogits(1, 16, 1);
    double[] z1 = Reference.randomLogits(2, 16, 1);
    double t0 = Reference.crossEntropy(z0, LABELS, 2, 2, 4, null, 1);
    double t1 = 0.4 * Reference.crossEntropy(z1, LABELS, 2, 2, 4, new double[] {1, 3}, 1);
    LossResult result =
        mix.evaluate(
            new NDList(logits(z0), logits(z1)), manager.create(LABELS, new Shape(2, 2, 2)));
    assertEquals(t0 + t1, result.totalValue(), 1e-5);
    double[] terms = result.termValues();
    assertEquals(t0, terms[0], 1e-5);
    assertEquals(t1, terms[1], 1e-5);
    assertEquals(List.of("CrossEntropyLoss", "CrossEntropyLoss"), result.names());
  }

  @Test
  void singleTypeIsRepeatedForEveryCoef() {
    LossMix mix =
        LossMix.fromConfig(
            section(List.of(Map.of("type", "CrossEntropyLoss")), List.of(1, 2)), Losses.registry());
    assertEquals(2, mix.size());
  }

  @Test
  void coefLengthMismatchNamesKeyAndLengths() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                LossMix.fromConfig(
                    section(
                        List.of(
                            Map.of("type", "CrossEntropyLoss"), Map.of("type", "CrossEntropyLoss")),
                        List.of(1, 2, 3)),
                    Losses.registry()));
    assertTrue(e.getMessage().startsWith("cfg.yml: loss.coef: has 3 entries"), e.getMessage());
    assertTrue(e.getMessage().contains("loss.types has 2"), e.getMessage());
  }

  @Test
  void outputCountMismatchIsClear() {
    LossMix mix =
        LossMix.fromConfig(
            section(List.of(Map.of("type", "CrossEntropyLoss")), List.of(1)), Losses.registry());
    double[] z = Reference.randomLogits(3, 16, 1);
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                mix.evaluate(
                    new NDList(logits(z), logits(z)), manager.create(LABELS, new Shape(2, 2, 2))));
    assertTrue(
        e.getMessage().contains("1 entries but the model returned 2 logits"), e.getMessage());
  }

  @Test
  void unknownTypeListsSupportedTypes() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                LossMix.fromConfig(
                    section(List.of(Map.of("type", "CrossEntropy")), List.of(1)),
                    Losses.registry()));
    assertTrue(e.getMessage().contains("loss.types[0].type"), e.getMessage());
    assertTrue(e.getMessage().contains("CrossEntropyLoss"), e.getMessage());
  }
}
