package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryResumeTest {
  @Test
  void resumeDropsRowsFromTheStartIterationOnAndLinesCutShort(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve(History.TRAIN_FILE),
        "iter,epoch,loss,lr\n1,1,0.9,0.01\n2,1,0.8,0.01\n3,1,0.7,0.01\n4,1,0.6,0.01\n5,2,0.5");
    Files.writeString(dir.resolve(History.EVAL_FILE), "iter,miou\n2,0.5\n4,0.6\n");
    new History(dir).onTrainingStart(TrainingOptions.builder().build(), 3);
    assertEquals(
        List.of("iter,epoch,loss,lr", "1,1,0.9,0.01", "2,1,0.8,0.01"),
        Files.readAllLines(dir.resolve(History.TRAIN_FILE)));
    assertEquals(List.of("iter,miou", "2,0.5"), Files.readAllLines(dir.resolve(History.EVAL_FILE)));
  }

  @Test
  void aFreshStartLeavesExistingFilesAlone(@TempDir Path dir) throws Exception {
    String rows = "iter,miou\n2,0.5\n4,0.6\n";
    Files.writeString(dir.resolve(History.EVAL_FILE), rows);
    new History(dir).onTrainingStart(TrainingOptions.builder().build(), 1);
    assertEquals(rows, Files.readString(dir.resolve(History.EVAL_FILE)));
  }
}
