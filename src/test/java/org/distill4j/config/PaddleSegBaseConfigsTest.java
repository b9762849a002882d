package org.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Loads fixtures that mirror PaddleSeg's {@code _base_} layout for its DeepLabV3P configs. */
class PaddleSegBaseConfigsTest {
  private static final String R50_URL =
      "https://bj.bcebos.com/paddleseg/dygraph/resnet50_vd_ssld_v2.tar.gz";
  private static final String R101_URL =
      "https://bj.bcebos.com/paddleseg/dygraph/resnet101_vd_ssld.tar.gz";

  private static ResolvedConfig load(String name) {
    return ConfigLoader.load(YamlFiles.resource("/configs/paddleseg/deeplabv3p/" + name));
  }

  private static List<String> transformTypes(ConfigMap dataset) {
    return dataset.getMapList("transforms").stream().map(ConfigMap::type).toList();
  }

  private static int[] crop(ConfigMap trainDataset) {
    return trainDataset.getMapList("transforms").get(1).getIntPair("crop_size");
  }

  @Test
  void resnet50CityscapesTakesDataAndScheduleFromTheBase() {
    ResolvedConfig cfg = load("deeplabv3p_resnet50_os8_cityscapes_1024x512_80k.yml");
    SegConfig seg = cfg.seg().validate();
    assertFalse(cfg.map().containsKey("_base_"));
    assertEquals(2, seg.batchSize());
    assertEquals(80000, seg.iters());
    ConfigMap train = seg.trainDataset();
    assertEquals("Cityscapes", train.type());
    assertEquals("data/cityscapes", train.getString("dataset_root"));
    assertEquals("train", train.getString("mode"));
    assertEquals(
        List.of(
            "ResizeStepScaling",
            "RandomPaddingCrop",
            "RandomHorizontalFlip",
            "RandomDistort",
            "Normalize"),
        transformTypes(train));
    ConfigMap scaling = train.getMapList("transforms").get(0);
    assertEquals(0.5, scaling.getDouble("min_scale_factor"));
    assertEquals(2.0, scaling.getDouble("max_scale_factor"));
    assertEquals(0.25, scaling.getDouble("scale_step_size"));
    assertArrayEquals(new int[] {1024, 512}, crop(train));
    ConfigMap distort = train.getMapList("transforms").get(3);
    for (String k : List.of("brightness_range", "contrast_range", "saturation_range")) {
      assertEquals(0.4, distort.getDouble(k), k);
    }
    assertEquals(List.of("Normalize"), transformTypes(seg.valDataset().orElseThrow()));
    assertEquals("sgd", seg.optimizer().type());
    assertEquals(0.9, seg.optimizer().getDouble("momentum"));
    assertEquals(4.0e-5, seg.optimizer().getDouble("weight_decay"));
    assertEquals(0.01, seg.lrScheduler().getDouble("learning_rate"));
    assertEquals(80000, seg.lrScheduler().getInt("decay_steps"));
    assertEquals(19, seg.numClasses());
    ConfigMap backbone = seg.model().getMap("backbone");
    assertEquals("ResNet50_vd", backbone.type());
    assertEquals(R50_URL, backbone.getString("pretrained"));
    assertArrayEquals(new int[] {0, 3}, seg.model().getIntArray("backbone_indices"));
    assertArrayEquals(new int[] {1, 12, 24, 36}, seg.model().getIntArray("aspp_ratios"));
    assertEquals(256, seg.model().getInt("aspp_out_channels"));
    assertFalse(seg.model().getBoolean("align_corners"));
    assertNull(seg.model().get("pretrained"));
    assertEquals(List.of(), seg.unknownTopLevelKeys());
  }

  @Test
  void resnet101ChangesOnlyTheBackboneTypeAndWeightsKeepingOtherBackboneKeys() {
    Map<String, Object> r50 = load("deeplabv3p_resnet50_os8_cityscapes_1024x512_80k.yml").map();
    ResolvedConfig r101 = load("deeplabv3p_resnet101_os8_cityscapes_1024x512_80k.yml");
    ConfigMap backbone = r101.root().getMap("model").getMap("backbone");
    assertEquals("ResNet101_vd", backbone.type());
    assertEquals(R101_URL, backbone.getString("pretrained"));
    assertEquals(8, backbone.getInt("output_stride"));
    assertArrayEquals(new int[] {1, 2, 4}, backbone.getIntArray("multi_grid"));
    // everything outside model.backbone.{type,pretrained} equals the ResNet50 config
    assertEquals(r50.keySet(), r101.map().keySet());
    for (String key : r50.keySet()) {
      if (!key.equals("model")) {
        assertEquals(r50.get(key), r101.map().get(key), key);
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> r50Model = (Map<String, Object>) r50.get("model");
    for (String key : r50Model.keySet()) {
      if (!key.equals("backbone")) {
        assertEquals(r50Model.get(key), r101.root().getMap("model").get(key), key);
      }
    }
    assertEquals(3, r101.files().size());
  }

  @Test
  void crop769ReplacesTheWholeTransformListOfATwoLevelBase() {
    ResolvedConfig cfg = load("deeplabv3p_resnet50_os8_cityscapes_769x769_80k.yml");
    SegConfig seg = cfg.seg();
    ConfigMap train = seg.trainDataset();
    assertArrayEquals(new int[] {769, 769}, crop(train));
    assertEquals(5, train.getList("transforms").size());
    // keys the child and the 1024x1024 base do not mention still come from cityscapes.yml
    assertEquals("Cityscapes", train.type());
    assertEquals("data/cityscapes", train.getString("dataset_root"));
    assertEquals("train", train.getString("mode"));
    assertEquals("val", seg.valDataset().orElseThrow().getString("mode"));
    assertEquals(List.of("Normalize"), transformTypes(seg.valDataset().orElseThrow()));
    assertEquals(
        Map.of("types", List.of(Map.of("type", "CrossEntropyLoss")), "coef", List.of(1)),
        seg.loss().raw());
    assertEquals(Boolean.TRUE, seg.model().get("align_corners"));
    assertEquals(3, cfg.files().size());
  }

  @Test
  void intermediate1024x1024BaseReplacesOnlyTheCrop() {
    ResolvedConfig cfg =
        ConfigLoader.load(YamlFiles.resource("/configs/paddleseg/_base_/cityscapes_1024x1024.yml"));
    assertArrayEquals(new int[] {1024, 1024}, crop(cfg.seg().trainDataset()));
    assertEquals(80000, cfg.seg().iters());
  }

  @Test
  void voc12augTakesClassCountFromTheDatasetTypeAndModeFromTheMiddleBase() {
    SegConfig seg = load("deeplabv3p_resnet50_os8_voc12aug_512x512_40k.yml").seg().validate();
    assertEquals(4, seg.batchSize());
    assertEquals(40000, seg.iters());
    ConfigMap train = seg.trainDataset();
    assertEquals("trainaug", train.getString("mode"));
    assertEquals("PascalVOC", train.type());
    assertEquals("data/VOCdevkit/", train.getString("dataset_root"));
    assertArrayEquals(new int[] {512, 512}, crop(train));
    assertEquals(5, train.getList("transforms").size());
    ConfigMap val = seg.valDataset().orElseThrow();
    assertEquals(List.of("Padding", "Normalize"), transformTypes(val));
    assertEquals("val", val.getString("mode"));
    assertEquals(21, seg.numClasses());
    assertFalse(seg.model().has("num_classes"));
  }
}
