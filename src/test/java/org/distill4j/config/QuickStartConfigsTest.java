package org.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tutorial's two configs hold PaddleSeg's values (paddleseg-facts.md section 1). */
class QuickStartConfigsTest {
  private static final Path DIR = Path.of("configs", "quick_start");
  private static final Path TEACHER =
      DIR.resolve("deeplabv3p_resnet50_os8_optic_disc_512x512_1k_teacher.yml");
  private static final Path STUDENT =
      DIR.resolve("deeplabv3p_resnet18_os8_optic_disc_512x512_1k_student.yml");

  @Test
  void teacher() {
    ResolvedConfig cfg = ConfigLoader.load(TEACHER);
    SegConfig seg = cfg.seg().validate();
    assertShared(cfg, seg);
    ConfigMap backbone = seg.model().getMap("backbone");
    assertEquals("ResNet50_vd", backbone.type());
    assertEquals(
        "https://bj.bcebos.com/paddleseg/dygraph/resnet50_vd_ssld_v2.tar.gz",
        backbone.getString("pretrained"));
    assertTrue(seg.distillLoss().isEmpty());
    assertEquals(List.of(TEACHER), cfg.files());
  }

  /** Step 2.5: the teacher config with {@code model.pretrained} set to the trained teacher. */
  @Test
  void trainedTeacherOfStep25() {
    Path file = DIR.resolve("trained_teacher").resolve(TEACHER.getFileName());
    ResolvedConfig cfg = ConfigLoader.load(file);
    SegConfig seg = cfg.seg().validate();
    assertEquals(
        "output/deeplabv3p_resnet50/best_model/model.pdparams",
        seg.model().getString("pretrained"));
    ConfigMap backbone = seg.model().getMap("backbone");
    assertEquals("ResNet50_vd", backbone.type());
    assertNull(backbone.get("pretrained"));
    // Everything else is the teacher's.
    Map<String, Object> original = new java.util.LinkedHashMap<>(ConfigLoader.load(TEACHER).map());
    Map<String, Object> trained = new java.util.LinkedHashMap<>(cfg.map());
    assertEquals(withoutPretrained(original), withoutPretrained(trained));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> withoutPretrained(Map<String, Object> config) {
    Map<String, Object> model =
        new java.util.LinkedHashMap<>((Map<String, Object>) config.get("model"));
    Map<String, Object> backbone =
        new java.util.LinkedHashMap<>((Map<String, Object>) model.get("backbone"));
    model.remove("pretrained");
    backbone.remove("pretrained");
    model.put("backbone", backbone);
    config.put("model", model);
    return config;
  }

  @Test
  void student() {
    ResolvedConfig cfg = ConfigLoader.load(STUDENT);
    SegConfig seg = cfg.seg().validate();
    assertShared(cfg, seg);
    ConfigMap backbone = seg.model().getMap("backbone");
    assertEquals("ResNet18_vd", backbone.type());
    assertTrue(backbone.keys().contains("pretrained"));
    assertNull(backbone.get("pretrained"));
    ConfigMap distill = seg.distillLoss().orElseThrow();
    assertEquals(
        List.of("KLLoss"), distill.getMapList("types").stream().map(ConfigMap::type).toList());
    assertEquals(Map.of("type", "KLLoss"), distill.getMapList("types").get(0).raw());
    assertArrayEquals(new int[] {3}, distill.getIntArray("coef"));
  }

  private static void assertShared(ResolvedConfig cfg, SegConfig seg) {
    assertEquals(
        List.of(
            "batch_size",
            "iters",
            "train_dataset",
            "val_dataset",
            "optimizer",
            "lr_scheduler",
            "loss"),
        cfg.map().keySet().stream()
            .filter(k -> !k.equals("distill_loss") && !k.equals("model"))
            .toList());
    assertEquals(List.of(), seg.unknownTopLevelKeys());
    assertEquals(4, seg.batchSize());
    assertEquals(1000, seg.iters());

    ConfigMap train = seg.trainDataset();
    assertEquals(
        Map.of("type", "OpticDiscSeg", "dataset_root", "data/optic_disc_seg", "mode", "train"),
        withoutTransforms(train));
    List<ConfigMap> tt = train.getMapList("transforms");
    assertEquals(3, tt.size());
    assertEquals(Map.of("type", "Resize", "target_size", List.of(512, 512)), tt.get(0).raw());
    assertEquals(Map.of("type", "RandomHorizontalFlip"), tt.get(1).raw());
    assertEquals(Map.of("type", "Normalize"), tt.get(2).raw());

    ConfigMap val = seg.valDataset().orElseThrow();
    assertEquals(
        Map.of("type", "OpticDiscSeg", "dataset_root", "data/optic_disc_seg", "mode", "val"),
        withoutTransforms(val));
    List<ConfigMap> vt = val.getMapList("transforms");
    assertEquals(2, vt.size());
    assertEquals(Map.of("type", "Resize", "target_size", List.of(512, 512)), vt.get(0).raw());
    assertEquals(Map.of("type", "Normalize"), vt.get(1).raw());

    assertEquals(
        Map.of("type", "sgd", "momentum", 0.9, "weight_decay", 4.0e-5), seg.optimizer().raw());
    assertEquals(
        Map.of("type", "PolynomialDecay", "learning_rate", 0.01, "end_lr", 0, "power", 0.9),
        cfg.root().getMap("lr_scheduler").raw());
    assertEquals(1000, seg.lrScheduler().getInt("decay_steps"));
    assertEquals(
        Map.of("types", List.of(Map.of("type", "CrossEntropyLoss")), "coef", List.of(1)),
        seg.loss().raw());
    assertEquals(0, seg.testConfig().keys().size());

    ConfigMap model = seg.model();
    assertEquals("DeepLabV3P", model.type());
    assertEquals(2, model.getInt("num_classes"));
    assertEquals(2, seg.numClasses());
    assertArrayEquals(new int[] {0, 3}, model.getIntArray("backbone_indices"));
    assertArrayEquals(new int[] {1, 12, 24, 36}, model.getIntArray("aspp_ratios"));
    assertEquals(256, model.getInt("aspp_out_channels"));
    assertSame(Boolean.FALSE, model.get("align_corners"));
    assertTrue(model.keys().contains("pretrained"));
    assertNull(model.get("pretrained"));
    assertFalse(model.has("data_format"));
    ConfigMap backbone = model.getMap("backbone");
    assertEquals(8, backbone.getInt("output_stride"));
    assertEquals(List.of(1, 2, 4), backbone.getList("multi_grid"));
    assertEquals(
        List.of("type", "output_stride", "multi_grid", "pretrained"), List.copyOf(backbone.keys()));
  }

  private static Map<String, Object> withoutTransforms(ConfigMap dataset) {
    Map<String, Object> m = new java.util.LinkedHashMap<>(dataset.raw());
    m.remove("transforms");
    return m;
  }
}
