package org.distill4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsTest {
  private static NDManager manager;
  private static SegmentationModel saved;
  private static Path savedDir;

  @TempDir static Path tmp;

  @BeforeAll
  static void trainOneStepAndSave() {
    manager = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(1);
    saved = TestBlocks.initialised(manager, 18, 8, 2);
    // A training forward moves the BN running statistics away from their initial values.
    try (NDManager step = manager.newSubManager()) {
      saved.forward(
          new ParameterStore(step, false), step.randomNormal(new Shape(2, 3, 64, 64)), true);
    }
    savedDir = tmp.resolve("best_model");
    Path file = saved.saveWeights(savedDir, "model");
    assertEquals(savedDir.resolve("model.params"), file);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static NDArray infer(SegmentationModel m, NDArray x) {
    return m.forward(new ParameterStore(x.getManager(), false), x, false);
  }

  @Test
  void saveThenLoadGivesIdenticalOutputsAndKeepsParameterArrays() {
    try (NDManager m = manager.newSubManager()) {
      Engine.getInstance().setRandomSeed(2);
      SegmentationModel other =
          TestBlocks.initialised(m, 18, 16, 2); // stride does not change weights
      NDArray x = m.randomNormal(new Shape(1, 3, 64, 64));
      assertTrue(TestBlocks.maxDiff(infer(saved, x), infer(other, x)) > 1e-3f);
      Parameter first = other.block().getParameters().valueAt(0);
      NDArray array = first.getArray();
      other.loadWeights(savedDir);
      assertSame(array, first.getArray(), "values are copied into the existing arrays");
      assertEquals(
          TestBlocks.values(saved.block()).size(), TestBlocks.values(other.block()).size());
      List<float[]> want = TestBlocks.values(saved.block());
      List<float[]> got = TestBlocks.values(other.block());
      for (int i = 0; i < want.size(); i++) {
        assertArrayEquals(want.get(i), got.get(i), "parameter " + i);
      }
      SegmentationModel os8 = TestBlocks.initialised(m, 18, 8, 2);
      ParameterStore store = new ParameterStore(m, false);
      NDArray before = os8.forward(store, x, false); // the store caches the parameter arrays
      os8.loadWeights(savedDir.resolve("model.params"));
      NDArray after = os8.forward(store, x, false);
      assertEquals(0f, TestBlocks.maxDiff(infer(saved, x), after), "a cached store sees the load");
      assertTrue(TestBlocks.maxDiff(before, after) > 1e-3f);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(os8.forward(store, m.randomNormal(new Shape(2, 3, 64, 64)), true).mean());
      }
      NDArray grad = os8.block().getParameters().valueAt(0).getArray().getGradient();
      assertTrue(grad.abs().sum().getFloat() > 0, "loaded parameters still train");
    }
  }

  @Test
  void weightsOfAnotherArchitectureAreRefusedWithWhatAndWhere() {
    try (NDManager m = manager.newSubManager()) {
      SegmentationModel r50 = TestBlocks.initialised(m, 50, 8, 2);
      ConfigException e = assertThrows(ConfigException.class, () -> r50.loadWeights(savedDir));
      String msg = e.getMessage();
      assertTrue(msg.contains("model.params"), msg);
      assertTrue(
          msg.contains("DeepLabV3P-ResNet18_vd") && msg.contains("DeepLabV3P-ResNet50_vd"), msg);
      SegmentationModel threeClasses = TestBlocks.initialised(m, 18, 8, 3);
      ConfigException f =
          assertThrows(ConfigException.class, () -> threeClasses.loadWeights(savedDir));
      assertTrue(f.getMessage().contains("(3, 256, 1, 1)"), f.getMessage());
    }
  }

  @Test
  void missingOrForeignFilesAreConfigErrors() throws IOException {
    try (NDManager m = manager.newSubManager()) {
      SegmentationModel model = TestBlocks.initialised(m, 18, 8, 2);
      Path missing = tmp.resolve("nope/model.params");
      ConfigException e = assertThrows(ConfigException.class, () -> model.loadWeights(missing));
      assertTrue(e.getMessage().contains("no such file or directory: " + missing), e.getMessage());
      Path empty = Files.createDirectories(tmp.resolve("empty"));
      ConfigException f = assertThrows(ConfigException.class, () -> model.loadWeights(empty));
      assertTrue(f.getMessage().contains("has no .params file"), f.getMessage());
      Path foreign = Files.writeString(tmp.resolve("foreign.params"), "not weights");
      ConfigException g = assertThrows(ConfigException.class, () -> model.loadWeights(foreign));
      assertTrue(g.getMessage().contains("not a weights file distill4j reads"), g.getMessage());
      Path truncated = tmp.resolve("truncated.params");
      byte[] whole = Files.readAllBytes(savedDir.resolve("model.params"));
      Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
      ConfigException h = assertThrows(ConfigException.class, () -> model.loadWeights(truncated));
      assertTrue(h.getMessage().startsWith(truncated + ": cannot load"), h.getMessage());
      SegmentationModel fresh = TestBlocks.deepLab(18, 8, 2);
      assertThrows(IllegalStateException.class, () -> fresh.loadWeights(savedDir));
    }
  }

  @Test
  void backboneWeightsRoundTripThroughTheBackbonePretrainedKey() {
    Path dir = tmp.resolve("backbone");
    saved.saveBackboneWeights(dir, "resnet18_vd");
    try (NDManager m = manager.newSubManager()) {
      SegmentationModel model =
          Models.registry()
              .build(
                  ConfigMap.of(
                      "type",
                      "DeepLabV3P",
                      "num_classes",
                      2,
                      "backbone",
                      Map.of(
                          "type",
                          "ResNet18_vd",
                          "pretrained",
                          dir.resolve("resnet18_vd.params").toString())));
      model.initialize(m, new Shape(1, 3, 64, 64));
      List<float[]> want = TestBlocks.values(TestBlocks.find(saved.block(), "backbone.stage3"));
      List<float[]> got = TestBlocks.values(TestBlocks.find(model.block(), "backbone.stage3"));
      for (int i = 0; i < want.size(); i++) {
        assertArrayEquals(want.get(i), got.get(i));
      }
      assertFalse(
          Arrays.equals(
              TestBlocks.values(TestBlocks.find(saved.block(), "head")).get(0),
              TestBlocks.values(TestBlocks.find(model.block(), "head")).get(0)),
          "the head stays randomly initialised");
      ConfigException e = assertThrows(ConfigException.class, () -> model.loadWeights(dir));
      assertTrue(e.getMessage().contains("expected model weights"), e.getMessage());
    }
  }

  @Test
  void modelPretrainedIsLoadedByInitialize() {
    try (NDManager m = manager.newSubManager()) {
      SegmentationModel model =
          Models.registry()
              .build(
                  ConfigMap.of(
                      "type",
                      "DeepLabV3P",
                      "num_classes",
                      2,
                      "backbone",
                      Map.of("type", "ResNet18_vd", "multi_grid", List.of(1, 2, 4)),
                      "aspp_ratios",
                      List.of(1, 12, 24, 36),
                      "pretrained",
                      savedDir.toString()));
      assertEquals(savedDir, model.pretrainedPath().orElseThrow());
      model.initialize(m, new Shape(1, 3, 64, 64));
      NDArray x = m.randomNormal(new Shape(1, 3, 64, 64));
      assertEquals(0f, TestBlocks.maxDiff(infer(saved, x), infer(model, x)));
    }
  }
}
