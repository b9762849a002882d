package org.distill4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.distill4j.config.ConfigMap;
import org.distill4j.engine.GcPressure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every loss the registries can build gives the same gradient whether or not a garbage collection
 * runs between its forward and backward pass: no operand the graph keeps lives in memory that a
 * dropped Java object owned (see {@code OwnedArrays}).
 */
class LossesAcrossCollectionTest {
  private static final Shape SHAPE = new Shape(2, 3, 4, 4);
  private NDManager manager;
  private float[] student;
  private float[] teacher;
  private int[] labels;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    int size = (int) SHAPE.size();
    student = Reference.toFloat(Reference.randomLogits(41, size, 1.3));
    teacher = Reference.toFloat(Reference.randomLogits(42, size, 1.8));
    labels = new int[2 * 4 * 4];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 7 == 3 ? 255 : i % 3;
    }
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private static ConfigMap config(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return new ConfigMap(map, "loss", "test.yml");
  }

  /**
   * The student's gradient of {@code loss(student, teacher, labels)}; everything the loss creates
   * is freed before backward, as in a training step, and with {@code collect} a collection runs
   * then.
   */
  private float[] gradient(BiFunction<NDArray, NDArray[], NDArray> loss, boolean collect) {
    NDArray s = manager.create(student, SHAPE);
    s.setRequiresGradient(true);
    try (NDManager step = manager.newSubManager();
        GradientCollector collector = manager.getEngine().newGradientCollector()) {
      NDArray total;
      try (NDManager forwardScope = step.newSubManager()) {
        NDArray t = forwardScope.create(teacher, SHAPE);
        NDArray y = forwardScope.create(labels, new Shape(2, 4, 4));
        forwardScope.tempAttachAll(s);
        total = loss.apply(s, new NDArray[] {t, y});
        total.attach(step);
      }
      if (collect) {
        GcPressure.collectAndReuseFreedMemory();
      }
      collector.backward(total);
    }
    return s.getGradient().toFloatArray();
  }

  private void assertSameAcrossCollection(
      String what, BiFunction<NDArray, NDArray[], NDArray> loss) {
    float[] quiet = gradient(loss, false);
    for (int round = 0; round < 3; round++) {
      assertArrayEquals(quiet, gradient(loss, true), what + ", round " + round);
    }
  }

  @Test
  void segmentationLosses() {
    List<ConfigMap> configs =
        List.of(
            config("type", "CrossEntropyLoss"),
            config("type", "CrossEntropyLoss", "weight", List.of(1.0, 2.5, 0.5)),
            config("type", "CrossEntropyLoss", "top_k_percent_pixels", 0.5));
    for (ConfigMap c : configs) {
      SegLoss loss = Losses.registry().build(c);
      assertSameAcrossCollection(c.toString(), (s, ty) -> loss.evaluate(s, ty[1]));
    }
  }

  @Test
  void distillationAndFeatureLosses() {
    List<ConfigMap> configs = new ArrayList<>();
    configs.add(config("type", "KLLoss", "temperature", 2.0));
    configs.add(config("type", "DistillCrossEntropyLoss", "weight", List.of(1.0, 2.5, 0.5)));
    for (String type : Losses.featureRegistry().types()) {
      configs.add(config("type", type));
    }
    configs.add(config("type", "SegChannelwiseLoss", "tau", 4.0));
    configs.add(config("type", "AttentionTransferLoss", "p", 3.0));
    int built = 0;
    for (ConfigMap c : configs) {
      String type = c.optString("type", "");
      DistillLoss loss =
          Losses.distillRegistry().contains(type)
              ? Losses.distillRegistry().build(c)
              : Losses.featureRegistry().build(c);
      assertSameAcrossCollection(c.toString(), (s, ty) -> loss.evaluate(s, ty[0], ty[1]));
      built++;
    }
    assertEquals(configs.size(), built);
  }

  @Test
  void weightedMixes() {
    LossMix mix =
        new LossMix(
            List.of(Losses.registry().build(config("type", "CrossEntropyLoss"))),
            new double[] {0.4});
    assertSameAcrossCollection("LossMix", (s, ty) -> mix.evaluate(new NDList(s), ty[1]).total());
    DistillLossMix distill =
        new DistillLossMix(
            List.of(Losses.distillRegistry().build(config("type", "KLLoss"))), new double[] {0.7});
    assertSameAcrossCollection(
        "DistillLossMix",
        (s, ty) -> distill.evaluate(new NDList(s), new NDList(ty[0]), ty[1]).total());
  }
}
