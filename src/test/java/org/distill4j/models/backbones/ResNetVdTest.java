package org.distill4j.models.backbones;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.distill4j.models.SegmentationModel;
import org.distill4j.models.TestBlocks;
import org.distill4j.models.layers.ConvBNLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ResNetVdTest {
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static ConvBNLayer conv(SegmentationModel m, String path) {
    return (ConvBNLayer) TestBlocks.find(m.block(), path);
  }

  @Test
  void dilationTableFollowsOutputStrideAndMultiGrid() {
    ResNetVdSpec os8 = ResNetVdSpec.builder(50).optMultiGrid(1, 2, 4).build();
    assertEquals(1, os8.dilation(0, 0));
    assertEquals(1, os8.dilation(1, 3));
    assertEquals(2, os8.dilation(2, 5));
    assertArrayEquals(
        new int[] {4, 8, 16},
        new int[] {os8.dilation(3, 0), os8.dilation(3, 1), os8.dilation(3, 2)});
    ResNetVdSpec os16 = ResNetVdSpec.builder(50).optOutputStride(16).optMultiGrid(1, 2, 4).build();
    assertEquals(1, os16.dilation(2, 0));
    assertArrayEquals(
        new int[] {2, 4, 8},
        new int[] {os16.dilation(3, 0), os16.dilation(3, 1), os16.dilation(3, 2)});
    ResNetVdSpec plain = ResNetVdSpec.builder(18).build();
    assertArrayEquals(new int[] {1, 1, 1}, plain.multiGrid(), "PaddleSeg's default multi_grid");
    assertEquals(4, plain.dilation(3, 1));
  }

  @Test
  void depthsAndChannels() {
    assertArrayEquals(new int[] {2, 2, 2, 2}, ResNetVdSpec.builder(18).build().depths());
    assertArrayEquals(new int[] {3, 4, 6, 3}, ResNetVdSpec.builder(34).build().depths());
    assertArrayEquals(new int[] {3, 4, 6, 3}, ResNetVdSpec.builder(50).build().depths());
    assertArrayEquals(new int[] {3, 4, 23, 3}, ResNetVdSpec.builder(101).build().depths());
    assertArrayEquals(
        new int[] {64, 128, 256, 512}, ResNetVdSpec.builder(34).build().featChannels());
    assertArrayEquals(
        new int[] {256, 512, 1024, 2048}, ResNetVdSpec.builder(101).build().featChannels());
  }

  @Test
  void bottleneckConvSettingsAtOutputStride8() {
    SegmentationModel m = TestBlocks.deepLab(50, 8, 2);
    // The stem: 3x3 convs, the first with stride 2.
    assertEquals(2, conv(m, "backbone.conv1_1").stride());
    assertEquals(1, conv(m, "backbone.conv1_3").stride());
    // Only stage 1 downsamples, on its first block's 3x3 conv; its projection gets the vd pool.
    assertEquals(2, conv(m, "backbone.stage1.block0.conv1").stride());
    assertEquals(1, conv(m, "backbone.stage1.block0.conv0").stride());
    assertTrue(conv(m, "backbone.stage1.block0.short").hasVdPool());
    assertEquals(1, conv(m, "backbone.stage1.block0.short").stride());
    // The network's first block and dilated blocks project with a plain 1x1.
    assertFalse(conv(m, "backbone.stage0.block0.short").hasVdPool());
    assertFalse(conv(m, "backbone.stage2.block0.short").hasVdPool());
    assertFalse(conv(m, "backbone.stage3.block0.short").hasVdPool());
    assertEquals(1, conv(m, "backbone.stage2.block0.conv1").stride());
    // Dilation (and padding = dilation) on the 3x3 conv: 2 in stage 2, 4/8/16 in stage 3.
    assertEquals(2, conv(m, "backbone.stage2.block5.conv1").dilation());
    assertEquals(2, conv(m, "backbone.stage2.block5.conv1").padding());
    assertEquals(4, conv(m, "backbone.stage3.block0.conv1").dilation());
    assertEquals(8, conv(m, "backbone.stage3.block1.conv1").dilation());
    assertEquals(16, conv(m, "backbone.stage3.block2.conv1").dilation());
    assertEquals(16, conv(m, "backbone.stage3.block2.conv1").padding());
    assertEquals(1, conv(m, "backbone.stage3.block2.conv0").dilation());
    // Only the first block of a stage has a projection.
    assertThrows(
        AssertionError.class, () -> TestBlocks.find(m.block(), "backbone.stage3.block1.short"));
  }

  @Test
  void basicBlockConvSettingsAtOutputStride16() {
    SegmentationModel m = TestBlocks.deepLab(18, 16, 2);
    assertEquals(2, conv(m, "backbone.stage1.block0.conv0").stride());
    assertEquals(2, conv(m, "backbone.stage2.block0.conv0").stride());
    assertTrue(conv(m, "backbone.stage2.block0.short").hasVdPool());
    assertFalse(conv(m, "backbone.stage3.block0.short").hasVdPool());
    assertEquals(1, conv(m, "backbone.stage3.block0.conv0").stride());
    assertEquals(2, conv(m, "backbone.stage3.block0.conv0").dilation());
    assertEquals(2, conv(m, "backbone.stage3.block0.conv1").dilation());
    assertEquals(4, conv(m, "backbone.stage3.block1.conv1").dilation());
    // R18 stage 0 still projects 64 -> 64 on its first block.
    assertEquals(1, conv(m, "backbone.stage0.block0.short").kernel());
  }

  @Test
  void stageOutputShapes() {
    SegmentationModel r18 = TestBlocks.initialised(manager, 18, 8, 2);
    Map<String, Shape> s = r18.tapShapes(new Shape(2, 3, 64, 96));
    assertEquals(new Shape(2, 64, 16, 24), s.get("backbone.stage0"), "1/4");
    assertEquals(new Shape(2, 128, 8, 12), s.get("backbone.stage1"), "1/8");
    assertEquals(new Shape(2, 256, 8, 12), s.get("backbone.stage2"));
    assertEquals(new Shape(2, 512, 8, 12), s.get("backbone.stage3"));
    SegmentationModel r18os16 = TestBlocks.initialised(manager, 18, 16, 2);
    Map<String, Shape> t = r18os16.tapShapes(new Shape(1, 3, 64, 64));
    assertEquals(new Shape(1, 128, 8, 8), t.get("backbone.stage1"));
    assertEquals(new Shape(1, 256, 4, 4), t.get("backbone.stage2"), "1/16");
    assertEquals(new Shape(1, 512, 4, 4), t.get("backbone.stage3"));
    // Odd sizes: stride-2 convs and the max pool floor, the vd pool ceils.
    Map<String, Shape> odd = r18.tapShapes(new Shape(1, 3, 67, 75));
    assertEquals(new Shape(1, 32, 34, 38), odd.get("backbone.conv1_1"));
    assertEquals(new Shape(1, 64, 17, 19), odd.get("backbone.stage0"));
    assertEquals(new Shape(1, 128, 9, 10), odd.get("backbone.stage1"));
    SegmentationModel r50 = TestBlocks.initialised(manager, 50, 8, 2);
    Map<String, Shape> u = r50.tapShapes(new Shape(1, 3, 64, 64));
    assertEquals(new Shape(1, 256, 16, 16), u.get("backbone.stage0"));
    assertEquals(new Shape(1, 2048, 8, 8), u.get("backbone.stage3"));
  }

  @Test
  void rejectsUnsupportedSettings() {
    assertThrows(IllegalArgumentException.class, () -> ResNetVdSpec.builder(152));
    assertThrows(
        IllegalArgumentException.class, () -> ResNetVdSpec.builder(50).optOutputStride(32));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ResNetVdSpec.builder(50).optMultiGrid(1, 2).build());
    assertTrue(e.getMessage().contains("at least 3"), e.getMessage());
    ResNetVdSpec.builder(18).optMultiGrid(1, 2).build(); // R18's last stage has two blocks
  }
}
