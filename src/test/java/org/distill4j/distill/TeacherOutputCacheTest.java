package org.distill4j.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.config.SegConfig;
import org.distill4j.losses.SegChannelwiseLoss;
import org.distill4j.synthetic.SyntheticFundusGenerator;
import org.distill4j.train.TrainingOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The teacher-output cache: a cached run trains exactly as an uncached one, the cache is really
 * read (a damaged cache changes training when unchecked, and is caught when checked), it is reused
 * and rebuilt when it should be, and transforms it cannot list are refused.
 */
@Tag("slow")
class TeacherOutputCacheTest {
  @TempDir static Path tmp;
  static Path data;
  static ResolvedConfig teacherConfig;
  static ResolvedConfig studentConfig;
  static Path otherWeights;

  @BeforeAll
  static void setUp() throws Exception {
    data = tmp.resolve("optic");
    SyntheticFundusGenerator.builder()
        .optTrain(4)
        .optVal(1)
        .optTest(1)
        .optImageSize(80, 72)
        .build()
        .generate(data);
    ResolvedConfig plainTeacher =
        config("teacher.yml", "deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml", data, "");
    Path weights = DistillFixtures.savedWeights(plainTeacher, tmp, "teacher_weights", 0);
    otherWeights = DistillFixtures.savedWeights(plainTeacher, tmp, "other_teacher_weights", 1);
    teacherConfig =
        config(
            "teacher_cached.yml",
            "deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml",
            data,
            "model:\n  pretrained: '" + weights + "'\n");
    studentConfig =
        config(
            "student_cached.yml", "deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml", data, "");
  }

  static ResolvedConfig config(String name, String base, Path data, String extra) throws Exception {
    return config(name, base, data, "", extra);
  }

  /** A smoke config on the generated data; {@code trainExtra} goes inside train_dataset. */
  static ResolvedConfig config(String name, String base, Path data, String trainExtra, String extra)
      throws Exception {
    return DistillFixtures.smokeConfig(tmp, name, base, data, trainExtra, extra, Map.of());
  }

  /** Logits plus two intermediate tensors, so stored taps are exercised as well as logits. */
  static DistillSpec featureSpec() {
    Map<String, String> taps = Map.of("hidden_0", "head.aspp", "hidden_1", "backbone.stage3");
    List<DistillEntry> entries = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      entries.add(
          DistillEntry.builder()
              .setIndices(i, i)
              .setLoss(new SegChannelwiseLoss(4.0))
              .optWeight(0.5)
              .optConnector(i == 1)
              .build());
    }
    return new DistillSpec(new StudentAdaptor(taps), new TeacherAdaptor(taps), entries);
  }

  interface CacheUse {
    TeacherOutputCache apply(DistillSetup setup);
  }

  /** Trains the smoke student for its iterations and returns every student parameter's values. */
  static List<float[]> train(
      ResolvedConfig teacher, CacheUse cache, List<TeacherOutputCache> used) {
    return train(teacher, studentConfig, cache, used);
  }

  static List<float[]> train(
      ResolvedConfig teacher,
      ResolvedConfig student,
      CacheUse cache,
      List<TeacherOutputCache> used) {
    try (DistillSetup setup = DistillSetup.fromConfigs(teacher, student, featureSpec(), 0)) {
      assertEquals(
          new SegConfig(student.root()).teacherAmp(), setup.objective().teacher().precision());
      if (cache != null) {
        used.add(cache.apply(setup));
      }
      setup.trainer(TrainingOptions.builder().optLogIters(1).optSaveDir(null)).build().train();
      List<float[]> values = DistillSetupTest.values(setup.student().model().block());
      for (var c : setup.objective().connectors()) {
        if (c != null) {
          values.addAll(DistillSetupTest.values(c));
        }
      }
      return values;
    }
  }

  static void assertSameValues(List<float[]> expected, List<float[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "parameter " + i);
    }
  }

  static boolean anyDifferent(List<float[]> a, List<float[]> b) {
    return DistillSetupTest.anyChanged(a, b);
  }

  @Test
  void cachedRunTrainsExactlyAsTheUncachedRunAndIsReused() throws Exception {
    List<float[]> uncached = train(teacherConfig, null, new ArrayList<>());
    Path dir = tmp.resolve("cache_same");
    List<String> lines = new ArrayList<>();
    List<TeacherOutputCache> used = new ArrayList<>();
    List<float[]> cached = train(teacherConfig, s -> s.useTeacherCache(dir, lines::add), used);
    assertSameValues(uncached, cached);
    TeacherOutputCache first = used.get(0);
    assertEquals(8, first.size(), "4 images x (flipped, unflipped)");
    assertEquals(0, first.teacherBatches(), first.summary());
    assertEquals(6, first.cachedBatches(), first.summary());
    assertNull(first.disabledReason());
    assertTrue(lines.stream().anyMatch(l -> l.contains("8/8 inputs")), lines.toString());
    // Compact: DeepLabV3P's head logit (a quarter of the 64x64 input each way) stands for the
    // logits.
    java.util.Properties manifest = new java.util.Properties();
    try (var in = Files.newInputStream(dir.resolve("manifest.properties"))) {
      manifest.load(in);
    }
    assertEquals("head", manifest.getProperty("tensor.0.name"));
    assertEquals("2,16,16", manifest.getProperty("tensor.0.shape"));
    assertEquals(8L * 2 * 16 * 16 * Float.BYTES, Files.size(dir.resolve("tensor-0.f32")));

    // A second run finds the cache and does not rebuild it.
    lines.clear();
    List<float[]> again = train(teacherConfig, s -> s.useTeacherCache(dir, 0, lines::add), used);
    assertSameValues(uncached, again);
    assertTrue(lines.get(0).contains("using " + dir), lines.toString());
    assertFalse(lines.stream().anyMatch(l -> l.contains("computing")), lines.toString());
    assertEquals(0, used.get(1).teacherBatches());
  }

  @Test
  void damagedCacheChangesTrainingUncheckedAndIsSwitchedOffWhenChecked() throws Exception {
    Path dir = tmp.resolve("cache_damaged");
    List<float[]> uncached = train(teacherConfig, null, new ArrayList<>());
    List<TeacherOutputCache> used = new ArrayList<>();
    train(teacherConfig, s -> s.useTeacherCache(dir, 0, line -> {}), used);
    // Add 1 to every stored logit value: the files keep their size and their keys.
    Path logits = dir.resolve("tensor-0.f32");
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(logits)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < bytes.capacity(); i += Float.BYTES) {
      bytes.putFloat(i, bytes.getFloat(i) + 1f);
    }
    Files.write(logits, bytes.array());

    List<float[]> unchecked = train(teacherConfig, s -> s.useTeacherCache(dir, 0, l -> {}), used);
    assertTrue(anyDifferent(uncached, unchecked), "the cache's values are what training used");

    List<String> lines = new ArrayList<>();
    List<float[]> checked = train(teacherConfig, s -> s.useTeacherCache(dir, 2, lines::add), used);
    assertSameValues(uncached, checked);
    TeacherOutputCache c = used.get(used.size() - 1);
    assertNotNull(c.disabledReason());
    assertTrue(c.disabledReason().startsWith("logits differs"), c.disabledReason());
    assertEquals(0, c.cachedBatches());
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("off for the rest of this run")), lines.toString());
  }

  @Test
  void truncatedCacheIsRebuilt() throws Exception {
    Path dir = tmp.resolve("cache_truncated");
    List<TeacherOutputCache> used = new ArrayList<>();
    List<float[]> first = train(teacherConfig, s -> s.useTeacherCache(dir, 0, l -> {}), used);
    Path logits = dir.resolve("tensor-0.f32");
    byte[] bytes = Files.readAllBytes(logits);
    Files.write(logits, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    List<String> lines = new ArrayList<>();
    List<float[]> again = train(teacherConfig, s -> s.useTeacherCache(dir, 0, lines::add), used);
    assertTrue(
        lines.get(0).contains("is damaged") && lines.get(0).contains("rebuilding"),
        lines.toString());
    assertEquals(bytes.length, Files.size(logits));
    assertSameValues(first, again);
    assertEquals(0, used.get(1).teacherBatches());
  }

  @Test
  void anotherTeacherRebuildsTheCache() throws Exception {
    Path dir = tmp.resolve("cache_rebuilt");
    List<TeacherOutputCache> used = new ArrayList<>();
    train(teacherConfig, s -> s.useTeacherCache(dir, 0, l -> {}), used);
    ResolvedConfig other =
        config(
            "teacher_other.yml",
            "deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml",
            data,
            "model:\n  pretrained: '" + otherWeights + "'\n");
    List<float[]> uncached = train(other, null, new ArrayList<>());
    List<String> lines = new ArrayList<>();
    List<float[]> cached = train(other, s -> s.useTeacherCache(dir, 0, lines::add), used);
    assertTrue(lines.get(0).contains("rebuilding"), lines.toString());
    assertSameValues(uncached, cached);
    assertEquals(0, used.get(1).teacherBatches());
  }

  @Test
  void aBf16TeacherHasACacheOfItsOwnAndTrainsExactlyAsWithoutIt() throws Exception {
    Path dir = tmp.resolve("cache_bf16");
    List<TeacherOutputCache> used = new ArrayList<>();
    List<float[]> exactTargets =
        train(teacherConfig, s -> s.useTeacherCache(dir, 0, l -> {}), used);
    ResolvedConfig bf16Student =
        config(
            "student_bf16_teacher.yml",
            "deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml",
            data,
            "teacher_amp: bf16\n");
    List<float[]> uncached = train(teacherConfig, bf16Student, null, new ArrayList<>());
    assertTrue(anyDifferent(exactTargets, uncached), "bf16 targets train another student");
    List<String> lines = new ArrayList<>();
    List<float[]> cached =
        train(teacherConfig, bf16Student, s -> s.useTeacherCache(dir, 2, lines::add), used);
    assertTrue(lines.get(0).contains("rebuilding"), "the float32 cache is not used: " + lines);
    assertSameValues(uncached, cached);
    assertNull(used.get(1).disabledReason(), "the checked batches agree bit for bit");
  }

  @Test
  void transformsWithUnlistableOutcomesAreRefused() throws Exception {
    ResolvedConfig jitter =
        config(
            "student_jitter.yml",
            "deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml",
            data,
            "  transforms:\n    - type: Resize\n      target_size: [64, 64]\n"
                + "    - type: RandomDistort\n    - type: Normalize\n",
            "");
    try (DistillSetup setup = DistillSetup.fromConfigs(teacherConfig, jitter, null, 0)) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> setup.useTeacherCache(tmp.resolve("cache_jitter"), l -> {}));
      assertTrue(e.getMessage().contains("RandomDistort"), e.getMessage());
      assertTrue(e.getMessage().contains("without the teacher cache"), e.getMessage());
      assertFalse(Files.exists(tmp.resolve("cache_jitter")), "nothing written");
    }
  }

  @Test
  void directoryProblemsAreOneLineErrors() throws Exception {
    Path file = Files.writeString(tmp.resolve("not_a_dir"), "x");
    try (DistillSetup setup = DistillSetup.fromConfigs(teacherConfig, studentConfig, null, 0)) {
      ConfigException e =
          assertThrows(ConfigException.class, () -> setup.useTeacherCache(file, l -> {}));
      assertTrue(e.getMessage().contains("is a file"), e.getMessage());
    }
    ConfigException full =
        assertThrows(
            ConfigException.class,
            () ->
                TeacherOutputCache.requireSpace(
                    tmp, 3L << 30, 1L << 30, new java.util.LinkedHashSet<>(List.of("head"))));
    assertTrue(
        full.getMessage().contains("needs up to 3.0 GiB for [head] but only 1.0 GiB are free"),
        full.getMessage());
    TeacherOutputCache.requireSpace(tmp, 1L << 30, 1L << 30, java.util.Set.of("head"));
  }

  @Test
  void inputsOfDifferentSizesAreRefused() throws Exception {
    Path mixed = tmp.resolve("mixed");
    SyntheticFundusGenerator.builder()
        .optTrain(2)
        .optVal(1)
        .optTest(1)
        .optImageSize(40, 36)
        .build()
        .generate(mixed);
    // One training image (and its label) replaced by a larger one.
    List<String> lines = Files.readAllLines(mixed.resolve("train_list.txt"));
    String[] pair = lines.get(1).split(" ");
    java.awt.image.BufferedImage big =
        new java.awt.image.BufferedImage(48, 44, java.awt.image.BufferedImage.TYPE_INT_RGB);
    javax.imageio.ImageIO.write(big, "jpg", mixed.resolve(pair[0]).toFile());
    java.awt.image.BufferedImage label =
        new java.awt.image.BufferedImage(48, 44, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    javax.imageio.ImageIO.write(label, "png", mixed.resolve(pair[1]).toFile());
    ResolvedConfig student =
        config(
            "student_mixed.yml",
            "deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml",
            mixed,
            "  transforms:\n    - type: RandomHorizontalFlip\n    - type: Normalize\n",
            "");
    try (DistillSetup setup = DistillSetup.fromConfigs(teacherConfig, student, null, 0)) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> setup.useTeacherCache(tmp.resolve("cache_mixed"), l -> {}));
      assertTrue(e.getMessage().contains("need one input size"), e.getMessage());
      assertTrue(
          e.getMessage().contains(pair[0].substring(pair[0].lastIndexOf('/') + 1)), e.getMessage());
    }
  }
}
