package org.distill4j.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distill4j.config.ConfigException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tutorial's main job at smoke scale: data, teacher, student, distilled student, table. */
@Tag("slow")
class TutorialTest {
  @TempDir Path tmp;

  @Test
  void smokeScaleRunsAllThreeRolesAndWritesTheComparison() {
    Tutorial tutorial =
        Tutorial.builder()
            .optScale(TutorialScale.SMOKE)
            .optOutputDir(tmp.resolve("out"))
            .optDataRoot(tmp.resolve("data"))
            .optNumWorkers(1)
            .build();
    // The first seed is not the tutorial's own (0): the teacher is still trained with 0, into the
    // run every distillation reads.
    List<Tutorial.Row> rows = tutorial.run(List.of(1L, 0L));
    assertEquals(
        List.of("teacher", "student", "distilled", "student", "distilled"),
        rows.stream().map(r -> r.role()).toList());
    assertEquals(List.of(0L, 1L, 1L, 0L, 0L), rows.stream().map(r -> r.seed()).toList());
    assertTrue(rows.get(0).parameters() > rows.get(1).parameters(), "teacher is the bigger model");
    assertEquals(rows.get(1).parameters(), rows.get(2).parameters(), "distilled is the student");
    for (Tutorial.Row r : rows) {
      assertTrue(r.miou() >= 0 && r.miou() <= 1, r.toString());
      assertEquals(2, r.classIou().length);
    }
    assertTrue(Files.exists(tmp.resolve("data").resolve("train_list.txt")));
    assertTrue(Files.exists(tmp.resolve("out").resolve("comparison.png")));
    assertTrue(Files.exists(tmp.resolve("out").resolve("distilled").resolve("best_model")));
    String table = TutorialTable.format(rows);
    assertEquals(
        1 + rows.size() + 2, table.lines().count(), "header, one line per run, mean and gain");
    assertTrue(table.contains("over 2 seeds") && table.contains("distillation gain"), table);
    double[] student = TutorialTable.stats(rows, "student", Tutorial.Row::miou);
    assertEquals((rows.get(1).miou() + rows.get(3).miou()) / 2, student[0], 1e-12);
    assertTrue(Files.exists(tmp.resolve("out").resolve("student_seed1").resolve("best_model")));
  }

  @Test
  void distillingBeforeTheTeacherIsTrainedIsAClearError() {
    Tutorial tutorial =
        Tutorial.builder()
            .optScale(TutorialScale.SMOKE)
            .optOutputDir(tmp.resolve("empty"))
            .optDataRoot(tmp.resolve("data"))
            .build();
    ConfigException e = assertThrows(ConfigException.class, tutorial::distill);
    assertTrue(e.getMessage().contains("teacher"), e.getMessage());
  }

  @Test
  void scaleNamesParseAndUnknownOnesListTheValidOnes() {
    assertEquals(TutorialScale.CPU, TutorialScale.parse("CPU"));
    ConfigException e = assertThrows(ConfigException.class, () -> TutorialScale.parse("tiny"));
    assertTrue(e.getMessage().contains("smoke, cpu, gpu"), e.getMessage());
  }
}
