package org.distill4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DistillLossesTest {
  private static final int N = 2;
  private static final int C = 3;
  private static final int H = 2;
  private static final int W = 2;
  private static final int P = H * W;
  private static final int[] LABELS = {0, 255, 2, 1, 1, 0, 255, 2};

  private NDManager manager;
  private double[] s;
  private double[] t;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    s = Reference.randomLogits(11, N * C * P, 1.2);
    t = Reference.randomLogits(12, N * C * P, 2.0);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private NDArray array(double[] values) {
    return manager.create(Reference.toFloat(values), new Shape(N, C, H, W));
  }

  private NDArray labels() {
    return manager.create(LABELS, new Shape(N, H, W));
  }

  private double value(DistillLoss loss, boolean withLabels) {
    return loss.evaluate(array(s), array(t), withLabels ? labels() : null).getFloat();
  }

  private void assertGradient(DistillLoss loss, ToDoubleFunction<double[]> reference) {
    NDArray student = array(s);
    student.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(loss.evaluate(student, array(t), labels()));
    }
    float[] grad = student.getGradient().toFloatArray();
    double[] expected = Reference.numericGradient(reference, s);
    for (int i = 0; i < grad.length; i++) {
      assertEquals(expected[i], grad[i], 1e-5, loss.name() + " element " + i);
    }
  }

  @Test
  void klMatchesPaddleSegNormalisation() {
    assertEquals(Reference.kl(s, t, LABELS, N, C, P, 1), value(new KLLoss(), true), 1e-6);
    assertEquals(Reference.kl(s, t, null, N, C, P, 1), value(new KLLoss(), false), 1e-6);
    assertEquals(Reference.kl(s, t, LABELS, N, C, P, 2.5), value(new KLLoss(2.5, 255), true), 1e-6);
  }

  @Test
  void maskedKlIsPerPixelKlOverValidPixelsDividedByC() {
    double sum = 0;
    int valid = 0;
    for (int b = 0; b < N; b++) {
      for (int p = 0; p < P; p++) {
        if (LABELS[b * P + p] == 255) {
          continue;
        }
        valid++;
        for (int c = 0; c < C; c++) {
          double logQ = Reference.logSoftmax(t, b, c, C, P, p, 1);
          sum += Math.exp(logQ) * (logQ - Reference.logSoftmax(s, b, c, C, P, p, 1));
        }
      }
    }
    assertEquals(sum / (C * valid), value(new KLLoss(), true), 1e-6);
  }

  @Test
  void klIsZeroForIdenticalInputs() {
    NDArray x = array(s);
    assertEquals(0f, new KLLoss(2, 255).evaluate(x, x, labels()).getFloat(), 1e-7);
  }

  @Test
  void klGradientMatchesFiniteDifferences() {
    assertGradient(new KLLoss(2.0, 255), v -> Reference.kl(v, t, LABELS, N, C, P, 2.0));
  }

  @Test
  void distillCrossEntropyMatchesReference() {
    assertEquals(
        Reference.distillCe(s, t, LABELS, N, C, P, null, 1),
        value(new DistillCrossEntropyLoss(), true),
        1e-5);
    assertEquals(
        Reference.distillCe(s, t, null, N, C, P, null, 1),
        value(new DistillCrossEntropyLoss(), false),
        1e-5);
    double[] w = {0.5, 2, 1};
    DistillCrossEntropyLoss weighted =
        new DistillCrossEntropyLoss(
            CrossEntropyLoss.builder().optWeight(w).optTopKPercentPixels(0.5).build());
    assertEquals(Reference.distillCe(s, t, LABELS, N, C, P, w, 0.5), value(weighted, true), 1e-5);
  }

  @Test
  void distillCrossEntropyGradientMatchesFiniteDifferences() {
    double[] w = {0.5, 2, 1};
    assertGradient(
        new DistillCrossEntropyLoss(CrossEntropyLoss.builder().optWeight(w).build()),
        v -> Reference.distillCe(v, t, LABELS, N, C, P, w, 1));
  }

  @Test
  void shapesMustAgree() {
    NDArray other = manager.zeros(new Shape(N, C + 1, H, W));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new KLLoss().evaluate(array(s), other, null));
    assertTrue(e.getMessage().contains("(2, 4, 2, 2)"), e.getMessage());
  }

  @Test
  void registryBuildsFromConfig() {
    DistillLoss kl =
        Losses.distillRegistry().build(ConfigMap.of("type", "KLLoss", "temperature", 2));
    assertEquals(2.0, assertInstanceOf(KLLoss.class, kl).temperature());
    assertInstanceOf(
        DistillCrossEntropyLoss.class,
        Losses.distillRegistry().build(ConfigMap.of("type", "DistillCrossEntropyLoss")));
    assertThrows(
        ConfigException.class,
        () -> Losses.distillRegistry().build(ConfigMap.of("type", "KLLoss", "temperature", 0)));
    ConfigException typo =
        assertThrows(
            ConfigException.class,
            () -> Losses.distillRegistry().build(ConfigMap.of("type", "KLLoss", "temprature", 2)));
    assertTrue(typo.getMessage().contains("did you mean 'temperature'"), typo.getMessage());
  }

  @Test
  void distillMixWeightsAndPairsOutputs() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("types", List.of(Map.of("type", "KLLoss")));
    map.put("coef", List.of(3));
    DistillLossMix mix =
        DistillLossMix.fromConfig(
            new ConfigMap(map, "distill_loss", "student.yml"), Losses.distillRegistry());
    LossResult result = mix.evaluate(new NDList(array(s)), new NDList(array(t)), labels());
    assertEquals(3 * Reference.kl(s, t, LABELS, N, C, P, 1), result.totalValue(), 1e-5);
    assertEquals(List.of("KLLoss"), result.names());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                mix.evaluate(
                    new NDList(array(s), array(s)), new NDList(array(t), array(t)), labels()));
    assertTrue(e.getMessage().startsWith("student.yml: distill_loss.coef:"), e.getMessage());
  }
}
