package org.distill4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CrossEntropyLossTest {
  private static final int N = 2;
  private static final int C = 3;
  private static final int H = 2;
  private static final int W = 3;
  private static final int PIXELS = H * W;
  // Two ignored pixels; every class appears.
  private static final int[] LABELS = {0, 1, 2, 255, 1, 0, 2, 2, 255, 1, 0, 1};

  private NDManager manager;
  private double[] z;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    z = Reference.randomLogits(7, N * C * PIXELS, 1.5);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private NDArray logits(double[] values) {
    return manager.create(Reference.toFloat(values), new Shape(N, C, H, W));
  }

  private NDArray labels() {
    return manager.create(LABELS, new Shape(N, H, W));
  }

  private double value(CrossEntropyLoss loss) {
    return loss.evaluate(logits(z), labels()).getFloat();
  }

  @Test
  void unweightedIsMeanOverCountedPixels() {
    double expected = Reference.crossEntropy(z, LABELS, N, C, PIXELS, null, 1);
    NDArray loss = CrossEntropyLoss.builder().build().evaluate(logits(z), labels());
    assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, loss.getDataType());
    assertEquals(new Shape(), loss.getShape());
    assertEquals(expected, loss.getFloat(), 1e-5);
    // Same thing written differently: average of -log p over the 10 counted pixels.
    double sum = 0;
    for (int b = 0; b < N; b++) {
      for (int p = 0; p < PIXELS; p++) {
        int y = LABELS[b * PIXELS + p];
        if (y != 255) {
          sum -= Reference.logSoftmax(z, b, y, C, PIXELS, p, 1);
        }
      }
    }
    assertEquals(sum / 10, expected, 1e-6);
  }

  @Test
  void classWeightsGiveWeightedAverage() {
    double[] weight = {0.2, 1.0, 3.0};
    double expected = Reference.crossEntropy(z, LABELS, N, C, PIXELS, weight, 1);
    assertEquals(expected, value(CrossEntropyLoss.builder().optWeight(weight).build()), 1e-5);
  }

  @Test
  void hardPixelMiningKeepsTopFraction() {
    double expected = Reference.crossEntropy(z, LABELS, N, C, PIXELS, null, 0.5);
    assertEquals(
        expected, value(CrossEntropyLoss.builder().optTopKPercentPixels(0.5).build()), 1e-5);
    double[] weight = {0.5, 2.0, 1.5};
    double weighted = Reference.crossEntropy(z, LABELS, N, C, PIXELS, weight, 0.4);
    assertEquals(
        weighted,
        value(CrossEntropyLoss.builder().optWeight(weight).optTopKPercentPixels(0.4).build()),
        1e-5);
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    double[] weight = {0.5, 2.0, 1.5};
    for (double topK : new double[] {1.0, 0.5}) {
      CrossEntropyLoss loss =
          CrossEntropyLoss.builder().optWeight(weight).optTopKPercentPixels(topK).build();
      NDArray x = logits(z);
      x.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(loss.evaluate(x, labels()));
      }
      float[] grad = x.getGradient().toFloatArray();
      double[] expected =
          Reference.numericGradient(
              v -> Reference.crossEntropy(v, LABELS, N, C, PIXELS, weight, topK), z);
      for (int i = 0; i < grad.length; i++) {
        assertEquals(expected[i], grad[i], 1e-5, "topK " + topK + " element " + i);
      }
    }
  }

  @Test
  void acceptsInt64AndChannelLabels() {
    CrossEntropyLoss loss = CrossEntropyLoss.builder().build();
    float expected = loss.evaluate(logits(z), labels()).getFloat();
    long[] asLong = new long[LABELS.length];
    for (int i = 0; i < asLong.length; i++) {
      asLong[i] = LABELS[i];
    }
    assertEquals(
        expected,
        loss.evaluate(logits(z), manager.create(asLong, new Shape(N, 1, H, W))).getFloat(),
        1e-7);
  }

  @Test
  void allIgnoredGivesZero() {
    int[] ignored = new int[LABELS.length];
    java.util.Arrays.fill(ignored, 255);
    NDArray value =
        CrossEntropyLoss.builder()
            .build()
            .evaluate(logits(z), manager.create(ignored, new Shape(N, H, W)));
    assertEquals(0f, value.getFloat(), 0f);
  }

  @Test
  void outOfRangeLabelIsReportedWithItsValue() {
    int[] bad = LABELS.clone();
    bad[4] = 7;
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CrossEntropyLoss.builder()
                    .build()
                    .evaluate(logits(z), manager.create(bad, new Shape(N, H, W))));
    assertTrue(e.getMessage().contains("7"), e.getMessage());
  }

  @Test
  void shapeMismatchIsReported() {
    NDArray wrong = manager.create(new int[N * 4], new Shape(N, 2, 2));
    assertThrows(
        IllegalArgumentException.class,
        () -> CrossEntropyLoss.builder().build().evaluate(logits(z), wrong));
  }

  @Test
  void weightLengthMustMatchClasses() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("type", "CrossEntropyLoss");
    map.put("weight", List.of(1.0, 2.0));
    CrossEntropyLoss loss =
        CrossEntropyLoss.fromConfig(new ConfigMap(map, "loss.types[0]", "student.yml"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> loss.evaluate(logits(z), labels()));
    assertTrue(e.getMessage().startsWith("student.yml: loss.types[0].weight:"), e.getMessage());
    assertTrue(e.getMessage().contains("2 class weights") && e.getMessage().contains("3 classes"));
  }

  @Test
  void configReadsPaddleSegKeysAndRejectsBadOnes() {
    CrossEntropyLoss loss =
        CrossEntropyLoss.fromConfig(
            ConfigMap.of(
                "type", "CrossEntropyLoss", "ignore_index", 255, "weight", List.of(1, 2, 3)));
    double expected = Reference.crossEntropy(z, LABELS, N, C, PIXELS, new double[] {1, 2, 3}, 1);
    assertEquals(expected, value(loss), 1e-5);
    ConfigException typo =
        assertThrows(
            ConfigException.class,
            () ->
                CrossEntropyLoss.fromConfig(
                    ConfigMap.of("type", "CrossEntropyLoss", "ignore_idx", 1)));
    assertTrue(typo.getMessage().contains("did you mean 'ignore_index'"), typo.getMessage());
    assertThrows(
        ConfigException.class,
        () ->
            CrossEntropyLoss.fromConfig(
                ConfigMap.of("type", "CrossEntropyLoss", "top_k_percent_pixels", 1.5)));
  }
}
