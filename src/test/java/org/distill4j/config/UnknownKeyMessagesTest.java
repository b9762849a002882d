package org.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.distill4j.data.Datasets;
import org.distill4j.data.transforms.Transforms;
import org.distill4j.losses.Losses;
import org.distill4j.models.Models;
import org.distill4j.train.optim.Optimizers;
import org.junit.jupiter.api.Test;

/** Every config section's typo is reported by the one check, in one message style. */
class UnknownKeyMessagesTest {

  private static ConfigMap section(String path, Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return new ConfigMap(map, path, "run.yml");
  }

  private static void assertStyle(String expected, ConfigMap section, Consumer<ConfigMap> build) {
    ConfigException e = assertThrows(ConfigException.class, () -> build.accept(section));
    assertEquals(expected, e.getMessage());
  }

  @Test
  void modelsBackbonesTransformsDatasetsLossesOptimizersAndSchedulesSpeakAlike() {
    Map<String, Object> backbone = new LinkedHashMap<>(Map.of("type", "ResNet18_vd"));
    assertStyle(
        "run.yml: model.aspp_ratio: unknown key for DeepLabV3P (did you mean 'aspp_ratios'?);"
            + " known keys: align_corners, aspp_out_channels, aspp_ratios, backbone,"
            + " backbone_indices, data_format, num_classes, pretrained, type",
        section(
            "model",
            "type",
            "DeepLabV3P",
            "num_classes",
            2,
            "backbone",
            backbone,
            "aspp_ratio",
            List.of(1, 6, 12, 18)),
        c -> Models.registry().build(c));
    assertStyle(
        "run.yml: model.backbone.output_strid: unknown key for ResNet18_vd (did you mean"
            + " 'output_stride'?); known keys: data_format, in_channels, multi_grid,"
            + " output_stride, pretrained, type",
        section("model.backbone", "type", "ResNet18_vd", "output_strid", 8),
        c -> Models.backbones().build(c));
    assertStyle(
        "run.yml: train_dataset.transforms.0.target_sise: unknown key for Resize (did you mean"
            + " 'target_size'?); known keys: interp, keep_ratio, target_size, type",
        section("train_dataset.transforms.0", "type", "Resize", "target_sise", List.of(8, 8)),
        c -> Transforms.registry().build(c));
    assertStyle(
        "run.yml: loss.types.0.ignore_idx: unknown key for CrossEntropyLoss (did you mean"
            + " 'ignore_index'?); known keys: data_format, ignore_index, top_k_percent_pixels,"
            + " type, weight",
        section("loss.types.0", "type", "CrossEntropyLoss", "ignore_idx", 255),
        c -> Losses.registry().build(c));
    assertStyle(
        "run.yml: distill_loss.types.0.temprature: unknown key for KLLoss (did you mean"
            + " 'temperature'?); known keys: ignore_index, temperature, type",
        section("distill_loss.types.0", "type", "KLLoss", "temprature", 2),
        c -> Losses.distillRegistry().build(c));
    assertStyle(
        "run.yml: optimizer.momentun: unknown key for Momentum (did you mean 'momentum'?);"
            + " known keys: momentum, type, weight_decay",
        section("optimizer", "type", "Momentum", "momentun", 0.9),
        c -> Optimizers.registry().build(c));
  }

  @Test
  void datasetTypoReadsTheSame() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                Datasets.registry()
                    .build(
                        section(
                            "train_dataset",
                            "type",
                            "Dataset",
                            "dataset_root",
                            "nowhere",
                            "num_classes",
                            2,
                            "train_paht",
                            "x.txt")));
    String m = e.getMessage();
    assertEquals(
        "run.yml: train_dataset.train_paht: unknown key for Dataset (did you mean 'train_path'?);",
        m.substring(0, m.indexOf(';') + 1));
    assertEquals(true, m.contains("; known keys: ") && m.endsWith(", val_path"), m);
  }
}
