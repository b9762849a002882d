package org.distill4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.SegConfig;
import org.distill4j.models.backbones.ResNetVdSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model type registered by user code is built from YAML like the built-in ones. */
class UserModelTypeTest {
  @TempDir Path dir;

  /** A user's own type: a one-branch-ASPP DeepLabV3P on ResNet18_vd, with its own key. */
  private static SegmentationModel tinyDeepLab(ConfigMap c) {
    c.requireKnownKeys("num_classes", "dilation");
    return DeepLabV3P.builder()
        .setNumClasses(c.getInt("num_classes"))
        .setBackbone(ResNetVdSpec.builder(18).build())
        .optAsppRatios(c.optInt("dilation", 1))
        .build();
  }

  private SegConfig yaml(String modelSection) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("user.yml"),
            "batch_size: 2\niters: 10\nmodel:\n" + modelSection,
            java.nio.charset.StandardCharsets.UTF_8);
    return new SegConfig(ConfigLoader.load(file).root());
  }

  @Test
  void registeredTypeIsBuiltFromYaml() throws Exception {
    Models.register("UserTinyDeepLab", UserModelTypeTest::tinyDeepLab);
    SegConfig config = yaml("  type: UserTinyDeepLab\n  num_classes: 3\n  dilation: 1\n");

    SegmentationModel model = Models.registry().build(config.model());
    assertEquals("DeepLabV3P-ResNet18_vd", model.name());
    assertEquals(3, model.numClasses());
    // The copies handed out with their own warning sink see the user's type too.
    List<String> warnings = new ArrayList<>();
    assertEquals(3, Models.registry(warnings::add).build(config.model()).numClasses());
    assertTrue(Models.registry().types().contains("UserTinyDeepLab"));
  }

  @Test
  void registeredTypeGetsTheSameKeyCheck() throws Exception {
    Models.register("UserTinyDeepLab2", UserModelTypeTest::tinyDeepLab);
    SegConfig config = yaml("  type: UserTinyDeepLab2\n  num_classes: 3\n  dilaton: 2\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> Models.registry().build(config.model()));
    assertEquals(
        dir.resolve("user.yml")
            + ": model.dilaton: unknown key for UserTinyDeepLab2 (did you mean 'dilation'?);"
            + " known keys: dilation, num_classes, type",
        e.getMessage());
  }

  @Test
  void unregisteredTypeListsTheRegisteredOnes() throws Exception {
    Models.register("UserTinyDeepLab3", UserModelTypeTest::tinyDeepLab);
    SegConfig config = yaml("  type: UserTinyDeepLab4\n  num_classes: 3\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> Models.registry().build(config.model()));
    assertTrue(e.getMessage().contains("unknown model type 'UserTinyDeepLab4'"), e.getMessage());
    assertTrue(e.getMessage().contains("UserTinyDeepLab3"), e.getMessage());
  }
}
