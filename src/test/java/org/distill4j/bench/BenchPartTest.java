package org.distill4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.distill4j.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --only}: the part names, and what a cache switched off by its check reports. */
class BenchPartTest {
  @Test
  void listsParseInEnumOrderAndUnknownNamesAreRefusedInOneLine() {
    assertEquals(
        EnumSet.of(BenchPart.TRAIN_STUDENT, BenchPart.INFERENCE),
        BenchPart.parseList("inference, train_student"));
    assertEquals(EnumSet.allOf(BenchPart.class), BenchPart.parseList(String.join(",", ids())));
    ConfigException e =
        assertThrows(ConfigException.class, () -> BenchPart.parseList("train_student,trian"));
    assertTrue(e.getMessage().contains("unknown part 'trian'"), e.getMessage());
    assertTrue(e.getMessage().contains("train_teacher"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
    assertThrows(
        ConfigException.class, () -> Benchmark.builder().optOnly(EnumSet.noneOf(BenchPart.class)));
  }

  @Test
  void aProfileNeedsATimedPart(@TempDir Path tmp) throws Exception {
    Path config = Files.writeString(tmp.resolve("c.yml"), "batch_size: 2\n");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                Benchmark.builder()
                    .setConfigs(config, config)
                    .setWorkDir(tmp)
                    .optOnly(EnumSet.of(BenchPart.EVAL, BenchPart.LOADER))
                    .optProfile(tmp.resolve("trace.json"))
                    .build());
    assertTrue(e.getMessage().contains("--profile records timed steps"), e.getMessage());
  }

  @Test
  void aCacheThatNeededTheTeacherIsReportedNotTimed() {
    Samples ms = Samples.of(List.of(1.0, 2.0));
    BenchReport report = new BenchReport();
    assertTrue(DistillTimings.usable(0, "all from the cache", ms, report).isPresent());
    assertFalse(report.toJson().contains("teacher cache"), report.toJson());

    assertFalse(DistillTimings.usable(3, "switched off: logits differ", ms, report).isPresent());
    assertTrue(
        report
            .toJson()
            .contains("switched off by its check, not timed: switched off: logits differ"),
        report.toJson());
  }

  private static List<String> ids() {
    return EnumSet.allOf(BenchPart.class).stream().map(BenchPart::id).toList();
  }
}
