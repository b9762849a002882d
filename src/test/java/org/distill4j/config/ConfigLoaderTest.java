package org.distill4j.config;

import static org.distill4j.config.YamlFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void aByteOrderMarkIsIgnoredAndNonUtf8IsOneLineWithLineAndByte() throws Exception {
    Path bom = dir.resolve("bom.yml");
    java.nio.file.Files.write(
        bom, "\uFEFFbatch_size: 4\niters: 10\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(4, ConfigLoader.load(bom).map().get("batch_size"));
    Path latin1 = dir.resolve("latin1.yml");
    java.nio.file.Files.write(
        latin1,
        "batch_size: 4\n# r\u00e9sum\u00e9\n"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(latin1));
    assertEquals(
        latin1 + ": line 2 (byte 17) is not UTF-8 text; save the file as UTF-8", e.getMessage());
  }

  @Test
  void nullSpellingsAreNullAndPythonBooleansAreBooleans() {
    Path f =
        write(
            dir,
            "a.yml",
            "a: Null",
            "b: null",
            "c: ~",
            "d: NULL",
            "e:",
            "t: True",
            "f: False",
            "g: false",
            "s: 'Null'");
    Map<String, Object> m = ConfigLoader.load(f).map();
    for (String k : List.of("a", "b", "c", "d", "e")) {
      assertTrue(m.containsKey(k), k);
      assertNull(m.get(k), k);
    }
    assertSame(Boolean.TRUE, m.get("t"));
    assertSame(Boolean.FALSE, m.get("f"));
    assertSame(Boolean.FALSE, m.get("g"));
    assertEquals("Null", m.get("s"));
  }

  @Test
  void mapsMergeDeeplyListsAndScalarsAreReplacedNullOverrides() {
    write(
        dir,
        "base.yml",
        "iters: 100",
        "model:",
        "  type: M",
        "  backbone: {type: R50, output_stride: 8, multi_grid: [1, 2, 4]}",
        "  pretrained: some/path",
        "list: [1, 2, 3]",
        "only_base: kept");
    Path child =
        write(
            dir,
            "child.yml",
            "_base_: base.yml",
            "iters: 200",
            "model:",
            "  backbone: {type: R18, multi_grid: [9]}",
            "  pretrained: null",
            "list: [7]",
            "only_child: added");
    Map<String, Object> m = ConfigLoader.load(child).map();
    assertEquals(
        Map.of(
            "iters",
            200,
            "model",
            mapWithNull(
                "type",
                "M",
                "backbone",
                Map.of("type", "R18", "output_stride", 8, "multi_grid", List.of(9)),
                "pretrained",
                null),
            "list",
            List.of(7),
            "only_base",
            "kept",
            "only_child",
            "added"),
        m);
    assertFalse(m.containsKey(ConfigLoader.BASE_KEY));
    // base keys first, in file order, then keys only the child has
    assertEquals(
        List.of("iters", "model", "list", "only_base", "only_child"), List.copyOf(m.keySet()));
  }

  private static Map<String, Object> mapWithNull(Object... kv) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void basesResolveRecursivelyRelativeToEachIncludingFile() {
    write(dir, "root/_base_/common.yml", "a: 1", "b: 1", "c: 1");
    write(dir, "root/_base_/mid.yml", "_base_: './common.yml'", "b: 2", "c: 2");
    Path top = write(dir, "root/models/deep/top.yml", "_base_: '../../_base_/mid.yml'", "c: 3");
    ResolvedConfig cfg = ConfigLoader.load(top);
    assertEquals(Map.of("a", 1, "b", 2, "c", 3), cfg.map());
    assertEquals(
        List.of(top, dir.resolve("root/_base_/mid.yml"), dir.resolve("root/_base_/common.yml")),
        cfg.files());
  }

  @Test
  void aListOfBasesGivesEarlierBasesPrecedence() {
    write(dir, "one.yml", "a: 1", "b: 1");
    write(dir, "two.yml", "a: 2", "c: 2");
    Path top = write(dir, "top.yml", "_base_: [one.yml, two.yml]", "b: 0");
    assertEquals(Map.of("a", 1, "b", 0, "c", 2), ConfigLoader.load(top).map());
  }

  @Test
  void inheritedFalseReplacesTheBaseMapping() {
    write(dir, "base.yml", "loss: {types: [{type: A}], coef: [1], extra: 5}");
    Path top = write(dir, "top.yml", "_base_: base.yml", "loss: {_inherited_: False, coef: [2]}");
    assertEquals(Map.of("loss", Map.of("coef", List.of(2))), ConfigLoader.load(top).map());
  }

  @Test
  void missingBaseNamesTheIncludingFileAndTheMissingPath() {
    Path top = write(dir, "cfg/top.yml", "_base_: '../_base_/nope.yml'", "iters: 1");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(top));
    assertTrue(e.getMessage().startsWith(top + ": _base_: file not found: "), e.getMessage());
    assertTrue(e.getMessage().contains(dir.resolve("_base_/nope.yml").toString()), e.getMessage());
  }

  @Test
  void missingTopLevelFileIsAConfigError() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("none.yml")));
    assertTrue(e.getMessage().contains("none.yml"), e.getMessage());
  }

  @Test
  void selfInclusionIsACycle() {
    Path a = write(dir, "a.yml", "_base_: a.yml", "x: 1");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(a));
    assertTrue(e.getMessage().contains("cycle: " + a + " -> " + a), e.getMessage());
  }

  @Test
  void indirectCycleListsTheChain() {
    Path a = write(dir, "a.yml", "_base_: sub/b.yml");
    write(dir, "sub/b.yml", "_base_: ../c.yml");
    write(dir, "c.yml", "_base_: a.yml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(a));
    String chain =
        a + " -> " + dir.resolve("sub/b.yml") + " -> " + dir.resolve("c.yml") + " -> " + a;
    assertTrue(e.getMessage().contains(chain), e.getMessage());
  }

  @Test
  void aSharedBaseIsNotACycle() {
    write(dir, "common.yml", "a: 1");
    write(dir, "x.yml", "_base_: common.yml", "b: 2");
    Path top = write(dir, "top.yml", "_base_: [x.yml, common.yml]", "c: 3");
    assertEquals(Map.of("a", 1, "b", 2, "c", 3), ConfigLoader.load(top).map());
  }

  @Test
  void malformedYamlReportsFileLineAndColumnOnOneLine() {
    Path f = write(dir, "bad.yml", "iters: 10", "model:", "  type: X", " backbone: [1, 2");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().startsWith(f + ":4:"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void malformedBaseIsReportedAgainstTheBaseFile() {
    Path base = write(dir, "base.yml", "a: 1", "b: : :");
    Path top = write(dir, "top.yml", "_base_: base.yml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(top));
    assertTrue(e.getMessage().startsWith(base + ":2:"), e.getMessage());
  }

  @Test
  void duplicateKeysAreRejectedNotSilentlyDropped() {
    Path f = write(dir, "dup.yml", "iters: 10", "iters: 20");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().startsWith(f + ":2:"), e.getMessage());
    assertTrue(e.getMessage().contains("iters"), e.getMessage());
  }

  @Test
  void rootMustBeAMapping() {
    Path list = write(dir, "list.yml", "- a", "- b");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(list));
    assertTrue(
        e.getMessage().startsWith(list + ": the top level must be a mapping"), e.getMessage());
    Path empty = write(dir, "empty.yml", "# nothing");
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(empty));
    assertTrue(e.getMessage().contains("empty file"), e.getMessage());
  }

  @Test
  void baseMustBeAPath() {
    Path f = write(dir, "f.yml", "_base_: {a: 1}");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().startsWith(f + ": _base_: expected a file path"), e.getMessage());
  }

  @Test
  void overridesReplaceItersAndBatchSize() {
    write(dir, "base.yml", "iters: 1000", "batch_size: 4");
    Path f = write(dir, "f.yml", "_base_: base.yml", "iters: 500");
    Map<String, Object> m = ConfigLoader.load(f, Overrides.of(20, 2, null)).map();
    assertEquals(20, m.get("iters"));
    assertEquals(2, m.get("batch_size"));
  }

  @Test
  void learningRateOverrideGoesToLrSchedulerWhenPresent() {
    Path f =
        write(
            dir,
            "f.yml",
            "lr_scheduler: {type: PolynomialDecay, learning_rate: 0.01}",
            "learning_rate: {value: 0.5}");
    Map<String, Object> m = ConfigLoader.load(f, Overrides.of(null, null, 0.2)).map();
    assertEquals(Map.of("type", "PolynomialDecay", "learning_rate", 0.2), m.get("lr_scheduler"));
    assertEquals(Map.of("value", 0.5), m.get("learning_rate"));
  }

  @Test
  void learningRateOverrideGoesToLegacyValueOtherwise() {
    Path f = write(dir, "f.yml", "learning_rate: {value: 0.01, decay: {type: poly}}");
    Map<String, Object> m = ConfigLoader.load(f, Overrides.of(null, null, 0.3)).map();
    assertEquals(Map.of("value", 0.3, "decay", Map.of("type", "poly")), m.get("learning_rate"));
  }

  @Test
  void learningRateOverrideWithoutAnyLrSectionIsAnError() {
    Path f = write(dir, "f.yml", "iters: 1");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> ConfigLoader.load(f, Overrides.of(null, null, 0.1)));
    assertTrue(e.getMessage().startsWith(f + ": cannot apply the learning_rate override"));
  }

  @Test
  void overridesOfSkipsNullsAndRejectsNonPositiveValues() {
    assertEquals(Map.of(), Overrides.of(null, null, null));
    assertEquals(Map.of("iters", 5, "learning_rate", 0.5), Overrides.of(5, null, 0.5));
    ConfigException e = assertThrows(ConfigException.class, () -> Overrides.of(0, null, null));
    assertEquals("--iters must be positive, got 0", e.getMessage());
    assertThrows(ConfigException.class, () -> Overrides.of(null, -1, null));
    assertThrows(ConfigException.class, () -> Overrides.of(null, null, 0.0));
  }

  @Test
  void unknownOverrideKeyIsRejected() {
    Path f = write(dir, "f.yml", "iters: 1");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of("iter", 3)));
    assertTrue(e.getMessage().contains("unknown override 'iter'"), e.getMessage());
  }

  @Test
  void mergeDoesNotModifyItsInputs() {
    Map<String, Object> base = new java.util.LinkedHashMap<>(Map.of("a", 1));
    Map<String, Object> child = new java.util.LinkedHashMap<>(Map.of("b", 2));
    assertEquals(Map.of("a", 1, "b", 2), ConfigLoader.merge(base, child));
    assertEquals(Map.of("a", 1), base);
    assertEquals(Map.of("b", 2), child);
  }
}
