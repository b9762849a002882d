package org.distill4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.engine.EngineCompat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // recordings are scopes whose variable is not used
class TapsTest {
  private static NDManager manager;
  private static SegmentationModel r18;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(5);
    r18 = TestBlocks.initialised(manager, 18, 8, 2);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static NDArray forward(NDManager step, Shape shape, boolean training) {
    return r18.forward(new ParameterStore(step, false), step.randomNormal(shape), training);
  }

  @Test
  void tapPathsAreExactlyWhatAForwardPassProducesInItsOrder() {
    TapRecorder all = TapRecorder.everything();
    try (NDManager step = manager.newSubManager();
        SegmentationModel.Recording rec = r18.record(all)) {
      forward(step, new Shape(2, 3, 64, 64), true);
      assertEquals(r18.tapPaths(), new ArrayList<>(all.all().keySet()));
    }
    List<String> paths = r18.tapPaths();
    for (String p :
        List.of(
            "backbone.conv1_1",
            "backbone.conv1_2",
            "backbone.conv1_3",
            "backbone.pool2d_max",
            "backbone.stage0",
            "backbone.stage3",
            "backbone.stage1.block0",
            "backbone.stage1.block0.conv0",
            "backbone.stage1.block0.short",
            "backbone.feat.0",
            "backbone.feat.3",
            "head",
            "head.aspp",
            "head.aspp.aspp_blocks.0",
            "head.aspp.image_pooling",
            "head.aspp.concat",
            "head.decoder",
            "head.decoder.conv_bn_relu1",
            "head.decoder.concat",
            "head.decoder.conv_bn_relu2",
            "head.decoder.conv_bn_relu3",
            "head.decoder.conv",
            "logit_list.0")) {
      assertTrue(paths.contains(p), p);
    }
    assertTrue(paths.indexOf("head.aspp") < paths.indexOf("head.decoder.conv"));
  }

  @Test
  void tapShapesForTheDistillationPoints() {
    Map<String, Shape> s = r18.tapShapes(new Shape(2, 3, 64, 96));
    assertEquals(new Shape(2, 256, 8, 12), s.get("head.aspp"));
    assertEquals(new Shape(2, 2, 16, 24), s.get("head.decoder.conv"));
    assertEquals(new Shape(2, 304, 16, 24), s.get("head.decoder.concat"));
    assertEquals(new Shape(2, 1280, 8, 12), s.get("head.aspp.concat"));
    assertEquals(new Shape(2, 256, 1, 1), s.get("head.aspp.image_pooling"));
    assertEquals(new Shape(2, 512, 8, 12), s.get("backbone.stage3"));
    assertEquals(new Shape(2, 2, 64, 96), s.get("logit_list.0"));
    assertEquals(r18.tapPaths(), new ArrayList<>(s.keySet()));
  }

  @Test
  void publishedTensorsAreTheValuesTheForwardComputes() {
    TapRecorder r =
        new TapRecorder(
            "logit_list.0",
            "head.aspp",
            "head.decoder.conv_bn_relu1",
            "head.decoder.concat",
            "backbone.feat.2",
            "backbone.stage2");
    try (NDManager step = manager.newSubManager();
        SegmentationModel.Recording rec = r18.record(r)) {
      NDArray out = forward(step, new Shape(1, 3, 64, 64), false);
      assertSame(out, r.get("logit_list.0"));
      assertEquals(0f, TestBlocks.maxDiff(r.get("backbone.feat.2"), r.get("backbone.stage2")));
      NDArray concat = r.get("head.decoder.concat");
      NDArray up = EngineCompat.resizeBilinear(r.get("head.aspp"), 16, 16, false);
      assertTrue(TestBlocks.maxDiff(concat.get(new NDIndex(":, :256")), up) < 1e-6f);
      assertEquals(
          0f,
          TestBlocks.maxDiff(
              concat.get(new NDIndex(":, 256:")), r.get("head.decoder.conv_bn_relu1")));
      assertEquals(6, r.all().size());
    }
  }

  @Test
  void unknownPathsFailWithTheNearestRealOnes() {
    ConfigException e = assertThrows(ConfigException.class, () -> r18.checkTapPath("head.asp"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "unknown tap path 'head.asp' in DeepLabV3P-ResNet18_vd; nearest: head.aspp"),
        e.getMessage());
    ConfigException f =
        assertThrows(
            ConfigException.class, () -> r18.attachRecorder(new TapRecorder("head.decoder.cnv")));
    assertTrue(f.getMessage().contains("nearest: head.decoder.conv"), f.getMessage());
    ConfigException g = assertThrows(ConfigException.class, () -> r18.checkTapPath("backbone"));
    assertTrue(g.getMessage().contains("backbone.stage0 .. backbone.stage3"), g.getMessage());
  }

  @Test
  void paddleSegSpellingsAreAliases() {
    assertEquals("backbone.stage1.block0", r18.resolveTapPath("backbone.bb_1_0"));
    assertEquals("backbone.stage3.block1.conv1", r18.resolveTapPath("backbone.bb_3_1.conv1"));
    assertEquals("head.aspp.image_pooling", r18.resolveTapPath("head.aspp.global_avg_pool"));
    assertEquals(
        "head.aspp.aspp_blocks.1.pointwise_conv",
        r18.resolveTapPath("head.aspp.aspp_blocks.1.piontwise_conv"));
    assertEquals("logit_list.0", r18.resolveTapPath("logit_list[0]"));
    TapRecorder r = new TapRecorder("backbone.bb_1_0", "backbone.stage1.block0");
    try (NDManager step = manager.newSubManager();
        SegmentationModel.Recording rec = r18.record(r)) {
      forward(step, new Shape(1, 3, 64, 64), false);
      assertSame(r.get("backbone.bb_1_0"), r.get("backbone.stage1.block0"));
    }
  }

  @Test
  void recordingStopsWhenTheScopeCloses() {
    TapRecorder r = new TapRecorder("head.aspp");
    try (NDManager step = manager.newSubManager()) {
      try (SegmentationModel.Recording rec = r18.record(r)) {
        forward(step, new Shape(1, 3, 64, 64), false);
      }
      assertTrue(r.has("head.aspp"));
      r.clear();
      forward(step, new Shape(1, 3, 64, 64), false);
      assertFalse(r.has("head.aspp"));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.get("head.aspp"));
      assertTrue(e.getMessage().contains("nothing was recorded"), e.getMessage());
      IllegalStateException f = assertThrows(IllegalStateException.class, () -> r.get("head"));
      assertTrue(f.getMessage().contains("not requested"), f.getMessage());
    }
  }

  @Test
  void aRecorderServesOneModelAtATime() {
    SegmentationModel second = TestBlocks.deepLab(18, 8, 2);
    TapRecorder r = new TapRecorder("head.aspp");
    try (SegmentationModel.Recording rec = r18.record(r)) {
      assertThrows(IllegalStateException.class, () -> second.attachRecorder(r));
    }
    second.attachRecorder(r); // free again once detached
    second.detachRecorder();
  }
}
