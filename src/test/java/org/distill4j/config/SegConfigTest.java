package org.distill4j.config;

import static org.distill4j.config.YamlFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegConfigTest {
  @TempDir Path dir;

  private static final String[] MINIMAL = {
    "batch_size: 4",
    "iters: 100",
    "train_dataset: {type: OpticDiscSeg, dataset_root: d, mode: train}",
    "optimizer: {type: sgd}",
    "lr_scheduler: {type: PolynomialDecay, learning_rate: 0.01}",
    "loss: {types: [{type: CrossEntropyLoss}], coef: [1]}",
    "model: {type: DeepLabV3P, num_classes: 2}",
  };

  private Path file;

  @BeforeEach
  void setUp() {
    file = dir.resolve("cfg.yml");
  }

  private SegConfig seg(String... lines) {
    write(dir, "cfg.yml", lines);
    return ConfigLoader.load(file).seg();
  }

  private SegConfig minimalWith(String... extra) {
    String[] lines = java.util.Arrays.copyOf(MINIMAL, MINIMAL.length + extra.length);
    System.arraycopy(extra, 0, lines, MINIMAL.length, extra.length);
    return seg(lines);
  }

  private String error(Runnable r) {
    return assertThrows(ConfigException.class, r::run).getMessage();
  }

  @Test
  void accessorsReturnTheSectionsWithTheirKeyPaths() {
    SegConfig s = minimalWith("test_config: {is_slide: True}", "distill: {}");
    s.validate();
    assertEquals(100, s.iters());
    assertEquals(4, s.batchSize());
    assertEquals("model", s.model().path());
    assertEquals("train_dataset", s.trainDataset().path());
    assertTrue(s.valDataset().isEmpty());
    assertEquals("sgd", s.optimizer().type());
    assertEquals("CrossEntropyLoss", s.loss().getMapList("types").get(0).type());
    assertTrue(s.distillLoss().isEmpty());
    assertTrue(s.distill().isPresent());
    assertTrue(s.testConfig().getBoolean("is_slide"));
    assertEquals(file.toString(), s.model().file());
  }

  @Test
  void absentTestConfigIsEmptyAndBatchSizeDefaultsToOne() {
    SegConfig s = seg("iters: 5");
    assertEquals(Map.of(), s.testConfig().raw());
    assertEquals("test_config", s.testConfig().path());
    assertEquals(1, s.batchSize());
  }

  @Test
  void itersAndBatchSizeMustBePositive() {
    SegConfig zero = seg("iters: 0", "batch_size: -2");
    assertEquals(file + ": iters: must be a positive integer, got 0", error(zero::iters));
    assertEquals(file + ": batch_size: must be a positive integer, got -2", error(zero::batchSize));
    assertEquals(file + ": iters: missing; expected an integer", error(seg("a: 1")::iters));
    assertEquals(
        file + ": iters: expected an integer, got 'many'", error(seg("iters: many")::iters));
  }

  @Test
  void validateReportsTheFirstMissingSection() {
    String msg = error(() -> seg("iters: 10", "batch_size: 2").validate());
    assertEquals(file + ": model: missing; expected a mapping", msg);
  }

  @Test
  void polynomialDecayGetsPaddleSegDefaults() {
    ConfigMap lr = minimalWith().lrScheduler();
    assertEquals("lr_scheduler", lr.path());
    assertEquals(
        Map.of(
            "type",
            "PolynomialDecay",
            "learning_rate",
            0.01,
            "decay_steps",
            100,
            "end_lr",
            0,
            "power",
            0.9),
        lr.raw());
    ConfigMap explicit =
        seg(
                "iters: 10",
                "lr_scheduler: {type: PolynomialDecay, learning_rate: 0.1, power: 2.0, decay_steps: 7, end_lr: 0.001}")
            .lrScheduler();
    assertEquals(2.0, explicit.getDouble("power"));
    assertEquals(7, explicit.getInt("decay_steps"));
    assertEquals(0.001, explicit.getDouble("end_lr"));
    ConfigMap other =
        seg("lr_scheduler: {type: CosineAnnealingDecay, learning_rate: 0.1, T_max: 9}")
            .lrScheduler();
    assertEquals(
        Map.of("type", "CosineAnnealingDecay", "learning_rate", 0.1, "T_max", 9), other.raw());
  }

  @Test
  void legacyLearningRateBecomesPolynomialDecay() {
    ConfigMap noDecay = seg("iters: 50", "learning_rate: {value: 0.02}").lrScheduler();
    assertEquals(
        Map.of(
            "type",
            "PolynomialDecay",
            "learning_rate",
            0.02,
            "decay_steps",
            50,
            "end_lr",
            0,
            "power",
            0.9),
        noDecay.raw());
    assertEquals("learning_rate", noDecay.path());
    ConfigMap withDecay =
        seg(
                "iters: 50",
                "learning_rate: {value: 0.02, decay: {type: poly, power: 0.8, end_lr: 0.0001}}")
            .lrScheduler();
    assertEquals(
        Map.of(
            "type", "PolynomialDecay",
            "learning_rate", 0.02,
            "decay_steps", 50,
            "end_lr", 0.0001,
            "power", 0.8),
        withDecay.raw());
    // a decay mapping without power gets Paddle's own default, as PaddleSeg passes it through
    assertEquals(
        1.0,
        seg("iters: 5", "learning_rate: {value: 0.1, decay: {type: poly}}")
            .lrScheduler()
            .getDouble("power"));
  }

  @Test
  void learningRateOverrideReachesTheScheduleInBothForms() {
    Path modern =
        write(
            dir,
            "modern.yml",
            "iters: 10",
            "lr_scheduler: {type: PolynomialDecay, learning_rate: 0.01}");
    Path legacy =
        write(
            dir,
            "legacy.yml",
            "iters: 10",
            "learning_rate: {value: 0.01, decay: {type: poly, power: 0.9}}");
    for (Path f : List.of(modern, legacy)) {
      SegConfig s = ConfigLoader.load(f, Overrides.of(20, null, 0.05)).seg();
      assertEquals(0.05, s.lrScheduler().getDouble("learning_rate"), f.toString());
      assertEquals(20, s.lrScheduler().getInt("decay_steps"), f.toString());
    }
  }

  @Test
  void legacyFormsThatCannotBeConvertedAreErrors() {
    assertEquals(
        file
            + ": learning_rate.decay.type: 'piecewise' cannot be converted; only 'poly' (use lr_scheduler)",
        error(
            () ->
                seg("iters: 5", "learning_rate: {value: 0.1, decay: {type: piecewise}}")
                    .lrScheduler()));
    assertTrue(
        error(() -> seg("learning_rate: 0.1").lrScheduler())
            .startsWith(file + ": learning_rate: a bare number"));
    assertEquals(
        file + ": learning_rate.value: missing; expected a number",
        error(() -> seg("learning_rate: {}").lrScheduler()));
    assertTrue(
        error(() -> seg("iters: 5").lrScheduler()).startsWith(file + ": lr_scheduler: missing"));
  }

  @Test
  void numClassesComesFromModelOrDatasetAndMustAgree() {
    assertEquals(2, minimalWith().numClasses());
    assertEquals(2, seg("train_dataset: {type: OpticDiscSeg}").numClasses());
    assertEquals(
        7, seg("model: {type: M}", "train_dataset: {type: Dataset, num_classes: 7}").numClasses());
    assertEquals(
        file
            + ": model.num_classes is 19 but train_dataset.num_classes is 2 (implied by train_dataset.type"
            + " OpticDiscSeg); the number of classes must agree",
        error(
            () ->
                seg("model: {num_classes: 19}", "train_dataset: {type: OpticDiscSeg}")
                    .numClasses()));
    assertEquals(
        file
            + ": model.num_classes is 3 but val_dataset.num_classes is 4; the number of classes must agree",
        error(
            () ->
                seg(
                        "model: {num_classes: 3}",
                        "train_dataset: {type: Dataset, num_classes: 3}",
                        "val_dataset: {type: Dataset, num_classes: 4}")
                    .numClasses()));
    assertTrue(
        error(() -> seg("model: {type: M}").numClasses())
            .startsWith(file + ": model.num_classes: missing"));
    assertEquals(
        file + ": model.num_classes: must be a positive integer, got 0",
        error(() -> seg("model: {num_classes: 0}").numClasses()));
  }

  @Test
  void unknownTopLevelKeysAreListedWithSuggestions() {
    SegConfig s = minimalWith("learing_rate: 0.1", "zzzzqqqq: 1");
    assertEquals(List.of("learing_rate", "zzzzqqqq"), s.unknownTopLevelKeys());
    assertEquals(
        List.of(
            file
                + ": unknown top-level key 'learing_rate' is ignored (did you mean 'learning_rate'?)",
            file + ": unknown top-level key 'zzzzqqqq' is ignored"),
        s.warnings());
    assertEquals(List.of(), minimalWith().warnings());
  }

  @Test
  void legacyLearningRateNextToLrSchedulerIsWarnedAbout() {
    SegConfig s = minimalWith("learning_rate: {value: 0.5}");
    assertEquals(
        List.of(file + ": learning_rate is ignored because lr_scheduler is given"), s.warnings());
    assertEquals(0.01, s.lrScheduler().getDouble("learning_rate"));
  }
}
