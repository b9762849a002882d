package org.distill4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.io.download.DownloadCache;
import org.distill4j.io.download.LoopbackServer;
import org.distill4j.io.download.TestArchives;
import org.distill4j.models.backbones.ResNetVdSpec;
import org.distill4j.models.layers.ConvBNLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsTest {
  /** The tutorial's student model section, as a YAML file would give it. */
  private static Map<String, Object> student() {
    Map<String, Object> backbone = new LinkedHashMap<>();
    backbone.put("type", "ResNet18_vd");
    backbone.put("output_stride", 8);
    backbone.put("multi_grid", List.of(1, 2, 4));
    backbone.put("pretrained", null);
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("type", "DeepLabV3P");
    model.put("backbone", backbone);
    model.put("num_classes", 2);
    model.put("backbone_indices", List.of(0, 3));
    model.put("aspp_ratios", List.of(1, 12, 24, 36));
    model.put("aspp_out_channels", 256);
    model.put("align_corners", false);
    model.put("pretrained", null);
    return model;
  }

  private static ConfigMap config(Map<String, Object> model) {
    return new ConfigMap(model, "model", "student.yml");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> backboneOf(Map<String, Object> model) {
    return (Map<String, Object>) model.get("backbone");
  }

  private static String error(Map<String, Object> model) {
    return assertThrows(ConfigException.class, () -> Models.registry().build(config(model)))
        .getMessage();
  }

  @Test
  void buildsTheTutorialStudent() {
    SegmentationModel m = Models.registry().build(config(student()));
    assertEquals("DeepLabV3P-ResNet18_vd", m.name());
    assertEquals(2, m.numClasses());
    assertFalse(m.alignCorners());
    assertTrue(m.pretrainedPath().isEmpty());
    ResNetVdSpec spec = (ResNetVdSpec) m.backboneSpec();
    assertEquals(8, spec.outputStride());
    assertArrayEquals(new int[] {1, 2, 4}, spec.multiGrid());
    ConvBNLayer branch =
        (ConvBNLayer) TestBlocks.find(m.block(), "head.aspp.aspp_blocks.3.depthwise_conv");
    assertEquals(36, branch.dilation());
    assertEquals(36, branch.padding());
  }

  @Test
  void defaultsFollowPaddleSeg() {
    SegmentationModel m =
        Models.registry()
            .build(
                ConfigMap.of(
                    "type",
                    "DeepLabV3P",
                    "num_classes",
                    2,
                    "backbone",
                    Map.of("type", "ResNet50_vd")));
    assertArrayEquals(new int[] {1, 1, 1}, ((ResNetVdSpec) m.backboneSpec()).multiGrid());
    assertEquals(8, ((ResNetVdSpec) m.backboneSpec()).outputStride());
    assertEquals(
        6,
        ((ConvBNLayer) TestBlocks.find(m.block(), "head.aspp.aspp_blocks.1.depthwise_conv"))
            .dilation());
    assertEquals(
        4, ((ConvBNLayer) TestBlocks.find(m.block(), "backbone.stage3.block2.conv1")).dilation());
    assertEquals(
        List.of("ResNet18_vd", "ResNet34_vd", "ResNet50_vd", "ResNet101_vd"),
        new ArrayList<>(Models.backbones().types()));
  }

  @Test
  void aSingleAsppRatioBuildsOneBranch() {
    Map<String, Object> model = student();
    model.put("aspp_ratios", List.of(1));
    SegmentationModel m = Models.registry().build(config(model));
    assertTrue(m.tapPaths().contains("head.aspp.aspp_blocks.0"));
    assertFalse(m.tapPaths().contains("head.aspp.aspp_blocks.1"));
  }

  @Test
  void badValuesAreLocatedAndExplained() {
    Map<String, Object> m = student();
    backboneOf(m).put("output_stride", 32);
    assertEquals("student.yml: model.backbone.output_stride: must be 8 or 16, got 32", error(m));

    m = student();
    m.put("backbone_indices", List.of(0, 1, 3));
    assertTrue(error(m).startsWith("student.yml: model.backbone_indices: needs 2 values"));

    m = student();
    m.put("aspp_out_channels", 128);
    String msg = error(m);
    assertTrue(
        msg.startsWith("student.yml: model.aspp_out_channels: must be 256") && msg.contains("304"),
        msg);

    m = student();
    m.put("aspp_ratios", List.of(1, 12));
    assertTrue(error(m).contains("model.aspp_ratios: must have 1 or 4 values"));

    m = student();
    m.put("num_class", 2);
    msg = error(m);
    assertTrue(
        msg.contains("model.num_class: unknown key") && msg.contains("did you mean 'num_classes'"),
        msg);

    m = student();
    backboneOf(m).put("multi_grid", List.of(1));
    assertTrue(error(m).contains("model.backbone.multi_grid: needs at least 2 values"));

    m = student();
    backboneOf(m).put("type", "ResNet18");
    assertTrue(error(m).contains("unknown backbone type 'ResNet18' (did you mean 'ResNet18_vd'?)"));

    m = student();
    m.put("num_classes", 0);
    assertTrue(error(m).contains("model.num_classes: must be a positive integer"));

    m = student();
    m.put("pretrained", "/no/such/dir");
    assertTrue(error(m).contains("model.pretrained: no such file or directory"));

    m = student();
    backboneOf(m).put("data_format", "NHWC");
    assertTrue(error(m).contains("only NCHW"));
  }

  @Test
  void pretrainedUrlsResolveToTheDownloadCache(@TempDir Path home) throws Exception {
    byte[] archive =
        TestArchives.tarGz(TestArchives.entries("r50/model.pdparams", "backbone weights"));
    String previous = System.getProperty(DownloadCache.HOME_PROPERTY);
    System.setProperty(DownloadCache.HOME_PROPERTY, home.toString());
    try (LoopbackServer server =
        new LoopbackServer()
            .serve("/resnet50_vd_ssld_v2.tar.gz", archive)
            .serve("/best/model.pdparams", new byte[] {1, 2, 3})) {
      Map<String, Object> m = student();
      backboneOf(m).put("type", "ResNet50_vd");
      backboneOf(m).put("pretrained", server.url("/resnet50_vd_ssld_v2.tar.gz"));
      m.put("pretrained", server.url("/best/model.pdparams"));
      SegmentationModel model = Models.registry().build(config(m));
      assertEquals(
          home.resolve("pretrained_model/resnet50_vd_ssld_v2"),
          model.backboneSpec().pretrained().orElseThrow());
      assertEquals(2, server.requests());
      Models.registry().build(config(m));
      assertEquals(2, server.requests(), "the second build uses the cache");
      Map<String, Object> n = student();
      n.put("pretrained", server.url("/nothing.pdparams"));
      String err = error(n);
      assertTrue(err.contains("model.pretrained: cannot download "), err);
      assertTrue(err.contains("(HTTP 404)") && err.contains("pretrained: Null"), err);
    } finally {
      if (previous == null) {
        System.clearProperty(DownloadCache.HOME_PROPERTY);
      } else {
        System.setProperty(DownloadCache.HOME_PROPERTY, previous);
      }
    }
  }

  @Test
  void initialisationIsReproducibleFromTheEngineSeed() {
    try (NDManager manager = NDManager.newBaseManager()) {
      List<float[]> a = initialisedValues(manager, 42);
      List<float[]> b = initialisedValues(manager, 42);
      List<float[]> c = initialisedValues(manager, 43);
      boolean anyDifferent = false;
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(a.get(i), b.get(i), "parameter " + i);
        anyDifferent |= !Arrays.equals(a.get(i), c.get(i));
      }
      assertTrue(anyDifferent, "another seed gives other weights");
      assertFalse(Arrays.equals(a.get(0), c.get(0)));
    }
  }

  private static List<float[]> initialisedValues(NDManager manager, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    SegmentationModel m = Models.registry().build(config(student()));
    m.initialize(manager, new Shape(1, 3, 64, 64));
    return TestBlocks.values(m.block());
  }
}
