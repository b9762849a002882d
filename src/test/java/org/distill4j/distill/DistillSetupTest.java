package org.distill4j.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.Overrides;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.losses.KLLoss;
import org.distill4j.losses.Losses;
import org.distill4j.synthetic.SyntheticFundusGenerator;
import org.distill4j.train.TrainingOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distillation built from Java: adaptor subclasses, a frozen teacher and a trained connector. */
@Tag("slow")
class DistillSetupTest {
  @TempDir static Path tmp;
  static ResolvedConfig teacherConfig;
  static ResolvedConfig studentConfig;

  /** The Java form of an adaptor: a subclass naming its tensors, as a notebook would write it. */
  static final class BackboneStudent extends StudentAdaptor {
    @Override
    public Map<String, String> mappingLayers() {
      return Map.of("hidden_0", "backbone.stage3", "hidden_1", "backbone.feat.1");
    }
  }

  @BeforeAll
  static void setUp() throws Exception {
    Path data = tmp.resolve("optic");
    SyntheticFundusGenerator.builder()
        .optTrain(4)
        .optVal(2)
        .optTest(1)
        .optImageSize(80, 72)
        .build()
        .generate(data);
    // Teacher weights: a freshly initialised teacher saved to disk stands in for a trained one.
    ResolvedConfig plainTeacher =
        config("teacher.yml", "deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml", data, "");
    Path weights = DistillFixtures.savedWeights(plainTeacher, tmp, "teacher_weights", 0);
    teacherConfig =
        config(
            "teacher2.yml",
            "deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml",
            data,
            "model:\n  pretrained: '" + weights + "'\n");
    studentConfig =
        config("student.yml", "deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml", data, "");
  }

  static ResolvedConfig config(String name, String base, Path data, String extra) throws Exception {
    return DistillFixtures.smokeConfig(
        tmp, name, base, data, "", extra, Overrides.of(2, null, null));
  }

  static List<float[]> values(Block block) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  static boolean anyChanged(List<float[]> before, List<float[]> after) {
    for (int i = 0; i < before.size(); i++) {
      if (!java.util.Arrays.equals(before.get(i), after.get(i))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void teacherStaysFrozenWhileStudentAndConnectorTrain() {
    DistillSpec spec =
        new DistillSpec(
            new BackboneStudent(),
            new TeacherAdaptor(
                Map.of("hidden_0", "backbone.stage3", "hidden_1", "backbone.feat.1")),
            List.of(
                DistillEntry.builder()
                    .setIndices(0, 0)
                    .setLoss(new KLLoss(1.0, 255))
                    .optWeight(1.0)
                    .optConnector(true)
                    .build(),
                DistillEntry.builder()
                    .setIndices(1, 1)
                    .setLoss(new KLLoss(1.0, 255))
                    .optConnector(true)
                    .build()));
    try (DistillSetup setup = DistillSetup.fromConfigs(teacherConfig, studentConfig, spec, 0)) {
      List<Block> connectors = setup.objective().connectors();
      assertEquals(2, connectors.size());
      assertTrue(((Connector) connectors.get(0)).isTrainable(), "512 -> 2048 channels");
      assertTrue(((Connector) connectors.get(1)).isTrainable(), "128 -> 512 channels");
      List<float[]> teacherBefore = values(setup.teacher().block());
      List<float[]> studentBefore = values(setup.student().model().block());
      List<float[]> connectorBefore = values(connectors.get(0));
      setup.evaluateTeacher(line -> assertTrue(line.contains("mIoU"), line));
      setup.trainer(TrainingOptions.builder().optLogIters(1).optSaveDir(null)).build().train();
      List<float[]> teacherAfter = values(setup.teacher().block());
      for (int i = 0; i < teacherBefore.size(); i++) {
        assertArrayEquals(teacherBefore.get(i), teacherAfter.get(i), "teacher parameter " + i);
      }
      assertTrue(anyChanged(studentBefore, values(setup.student().model().block())));
      assertTrue(anyChanged(connectorBefore, values(connectors.get(0))));
      for (Pair<String, Parameter> p : setup.teacher().block().getParameters()) {
        assertFalse(p.getValue().getArray().hasGradient(), p.getKey() + " has a gradient");
      }
    }
  }

  @Test
  void connectMapsAStudentTensorThroughItsEntrysConnector() {
    Map<String, String> taps =
        Map.of("hidden_0", "backbone.stage3", "hidden_1", "head.decoder.conv_bn_relu3");
    DistillSpec spec =
        new DistillSpec(
            new StudentAdaptor(taps),
            new TeacherAdaptor(taps),
            List.of(
                DistillEntry.builder()
                    .setIndices(0, 0)
                    .setLoss(new KLLoss(1.0, 255))
                    .optConnector(true)
                    .build(),
                DistillEntry.builder().setIndices(1, 1).setLoss(new KLLoss(1.0, 255)).build()));
    try (DistillSetup setup = DistillSetup.fromConfigs(teacherConfig, studentConfig, spec, 0);
        ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      ai.djl.ndarray.NDArray student = m.randomNormal(new ai.djl.ndarray.types.Shape(1, 512, 8, 8));
      ai.djl.ndarray.NDArray mapped = setup.objective().connect(0, student);
      assertEquals(new ai.djl.ndarray.types.Shape(1, 2048, 8, 8), mapped.getShape());
      assertTrue(setup.objective().connect(1, student) == student, "no connector: unchanged");
      assertThrows(IllegalArgumentException.class, () -> setup.objective().connect(2, student));
    }
  }

  @Test
  void yamlSectionBuildsTheSameThingAsJava() {
    ConfigMap section =
        ConfigMap.of(
            "student_adaptor", Map.of("hidden_0", "head.aspp"),
            "teacher_adaptor", Map.of("hidden_0", "head.aspp"),
            "entries",
                List.of(
                    Map.of(
                        "s_feature_idx",
                        0,
                        "t_feature_idx",
                        0,
                        "loss_function",
                        Map.of("type", "KLLoss", "temperature", 2.0),
                        "weight",
                        0.5)));
    DistillSpec spec = DistillSpec.fromConfig(section, Losses.featureRegistry());
    assertEquals(1, spec.entries().size());
    DistillEntry e = spec.entries().get(0);
    assertEquals("hidden_0", e.studentFeature());
    assertEquals(0.5, e.weight());
    assertEquals("KLLoss", e.loss().name());
    assertEquals(java.util.Set.of("head.aspp"), spec.studentTaps());
  }

  @Test
  void configMistakesNameTheKey() {
    ConfigException typo =
        assertThrows(
            ConfigException.class,
            () ->
                DistillSpec.fromConfig(
                    ConfigMap.of(
                        "student_adaptor", Map.of("hidden_0", "head.aspp"),
                        "teacher_adaptor", Map.of("hidden_0", "head.aspp"),
                        "entries", List.of(Map.of("loss_function", "KLLoss", "weigth", 1))),
                    Losses.featureRegistry()));
    assertTrue(typo.getMessage().contains("weigth") && typo.getMessage().contains("weight"));
    ConfigException unmapped =
        assertThrows(
            ConfigException.class,
            () ->
                DistillSpec.fromConfig(
                    ConfigMap.of(
                        "student_adaptor", Map.of("hidden_0", "head.aspp"),
                        "teacher_adaptor", Map.of("hidden_0", "head.aspp"),
                        "entries", List.of(Map.of("loss_function", "KLLoss", "s_feature_idx", 3))),
                    Losses.featureRegistry()));
    assertTrue(
        unmapped.getMessage().contains("hidden_3") && unmapped.getMessage().contains("hidden_0"),
        unmapped.getMessage());
  }
}
