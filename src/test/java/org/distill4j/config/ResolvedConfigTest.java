package org.distill4j.config;

import static org.distill4j.config.YamlFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvedConfigTest {
  @TempDir Path dir;

  private static final Path STUDENT =
      Path.of("configs/quick_start/deeplabv3p_resnet18_os8_optic_disc_512x512_1k_student.yml");

  @Test
  void saveWritesConfigYmlThatLoadsToAnEqualTree() throws Exception {
    ResolvedConfig cfg = ConfigLoader.load(STUDENT, Overrides.of(20, 2, 0.005));
    Path saved = cfg.save(dir.resolve("out/run1"));
    assertEquals(dir.resolve("out/run1/config.yml"), saved);
    assertEquals(List.of("config.yml"), listNames(dir.resolve("out/run1")));
    ResolvedConfig reloaded = ConfigLoader.load(saved);
    assertEquals(cfg.map(), reloaded.map());
    assertEquals(List.copyOf(cfg.map().keySet()), List.copyOf(reloaded.map().keySet()));
    assertEquals(20, reloaded.map().get("iters"));
  }

  @Test
  void saveRoundTripsMergedBasesNullsAndBooleans() {
    ResolvedConfig cfg =
        ConfigLoader.load(
            YamlFiles.resource(
                "/configs/paddleseg/deeplabv3p/deeplabv3p_resnet50_os8_cityscapes_769x769_80k.yml"));
    Path saved = cfg.save(dir);
    ResolvedConfig reloaded = ConfigLoader.load(saved);
    assertEquals(cfg.map(), reloaded.map());
    assertEquals(List.of(saved), reloaded.files());
  }

  @Test
  void stringsThatLookLikeOtherScalarsStayStringsThroughSave() {
    Path f =
        write(
            dir,
            "a.yml",
            "s: 'Null'",
            "t: 'yes'",
            "u: '0.5'",
            "v: 'a: b'",
            "w: 1.0e-4",
            "x: 4.0e-5",
            "e: []",
            "m: {}");
    ResolvedConfig cfg = ConfigLoader.load(f);
    assertEquals(cfg.map(), ConfigLoader.load(cfg.save(dir.resolve("out"))).map());
    assertEquals("Null", cfg.map().get("s"));
    assertEquals(4.0e-5, cfg.map().get("x"));
  }

  @Test
  void saveReplacesAnExistingFile() throws Exception {
    write(dir, "config.yml", "old: 1");
    ConfigLoader.load(write(dir, "src/a.yml", "iters: 3")).save(dir);
    assertEquals(Map.of("iters", 3), ConfigLoader.load(dir.resolve("config.yml")).map());
    assertEquals(List.of("config.yml", "src"), listNames(dir));
  }

  @Test
  void toYamlIsBlockStyleInFileOrderWithScalarListsOnOneLine() {
    Path f = write(dir, "a.yml", "b: 1", "a: {y: [1, 2], x: Null}", "c: False");
    String yaml = ConfigLoader.load(f).toYaml();
    assertEquals("b: 1\na:\n  y: [1, 2]\n  x: null\nc: false\n", yaml);
  }

  @Test
  void rootUsesTheTopLevelFileForErrorsEvenForValuesFromABase() {
    write(dir, "base.yml", "iters: -1");
    Path top = write(dir, "top.yml", "_base_: base.yml");
    ResolvedConfig cfg = ConfigLoader.load(top);
    assertEquals(top, cfg.source());
    assertEquals(top.toString(), cfg.root().file());
    ConfigException e = assertThrows(ConfigException.class, () -> cfg.seg().iters());
    assertTrue(e.getMessage().startsWith(top + ": iters: "), e.getMessage());
  }

  @Test
  void theTreeIsReadOnly() {
    ResolvedConfig cfg = ConfigLoader.load(write(dir, "a.yml", "m: {l: [1]}"));
    assertThrows(UnsupportedOperationException.class, () -> cfg.map().put("x", 1));
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) cfg.map().get("m");
    assertThrows(UnsupportedOperationException.class, () -> m.put("x", 1));
    @SuppressWarnings("unchecked")
    List<Object> l = (List<Object>) m.get("l");
    assertThrows(UnsupportedOperationException.class, () -> l.add(2));
    assertFalse(cfg.files().isEmpty());
  }

  private static List<String> listNames(Path d) throws Exception {
    try (var s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void unwritableSaveDirIsOneLineNamingTheFlag() throws Exception {
    // A regular file where a directory should be: refused even when running as root.
    Path blocker = Files.writeString(dir.resolve("not_a_dir"), "x");
    ResolvedConfig cfg = ConfigLoader.load(STUDENT);
    ConfigException e = assertThrows(ConfigException.class, () -> cfg.save(blocker.resolve("out")));
    assertTrue(e.getMessage().startsWith("save_dir " + blocker.resolve("out")), e.getMessage());
    assertTrue(e.getMessage().endsWith("pick a writable directory with --save_dir"));
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }
}
