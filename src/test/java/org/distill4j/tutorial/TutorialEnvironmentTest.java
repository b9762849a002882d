package org.distill4j.tutorial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.ResolvedConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scale selection, project-root discovery, notebook locations and run summaries. */
class TutorialEnvironmentTest {
  @TempDir Path tmp;

  @AfterEach
  void clearProperties() {
    System.clearProperty(TutorialScale.SCALE_PROPERTY);
    System.clearProperty(TutorialEnvironment.ROOT_PROPERTY);
    System.clearProperty(TutorialEnvironment.OUTPUT_PROPERTY);
    System.clearProperty(TutorialEnvironment.DATA_PROPERTY);
  }

  @Test
  void systemPropertyWinsOverVariableWhichWinsOverGpuPresence() {
    assertEquals(TutorialScale.SMOKE, TutorialScale.choose("smoke", "cpu", true));
    assertEquals(TutorialScale.CPU, TutorialScale.choose(null, "cpu", true));
    assertEquals(TutorialScale.CPU, TutorialScale.choose(" ", "CPU", true));
    assertEquals(TutorialScale.GPU, TutorialScale.choose(null, null, true));
    assertEquals(TutorialScale.CPU, TutorialScale.choose("", "", false));
    assertThrows(ConfigException.class, () -> TutorialScale.choose("huge", null, false));

    System.setProperty(TutorialScale.SCALE_PROPERTY, "smoke");
    assertEquals(TutorialScale.SMOKE, TutorialScale.fromEnvironment(true));
  }

  @Test
  void smokeEvaluatesOnceAtTheEndOtherScalesEightTimes() {
    assertEquals(6, TutorialScale.SMOKE.evalInterval(6));
    assertEquals(150, TutorialScale.CPU.evalInterval(1200));
    assertEquals(125, TutorialScale.GPU.evalInterval(1000));
    assertEquals(1, TutorialScale.CPU.evalInterval(5));
  }

  @Test
  void projectRootIsTheNearestDirectoryWithTheQuickStartConfigs() throws Exception {
    Path root = tmp.resolve("project");
    Files.createDirectories(root.resolve("configs/quick_start"));
    Path notebooks = Files.createDirectories(root.resolve("notebooks/sub"));
    assertEquals(Optional.of(root), TutorialEnvironment.findProjectRoot(notebooks));
    assertEquals(Optional.of(root), TutorialEnvironment.findProjectRoot(root));
    assertFalse(TutorialEnvironment.findProjectRoot(tmp).isPresent());

    System.setProperty(TutorialEnvironment.ROOT_PROPERTY, root.toString());
    assertEquals(root, TutorialEnvironment.projectRoot());
    System.setProperty(TutorialEnvironment.ROOT_PROPERTY, tmp.toString());
    ConfigException e = assertThrows(ConfigException.class, TutorialEnvironment::projectRoot);
    assertTrue(e.getMessage().contains("configs/quick_start"), e.getMessage());
    // Tests run in the project directory, which holds configs/quick_start itself.
    System.clearProperty(TutorialEnvironment.ROOT_PROPERTY);
    assertEquals(
        Path.of("").toAbsolutePath().normalize(), TutorialEnvironment.projectRoot().normalize());
  }

  @Test
  void notebookTutorialUsesPerScaleOutputUnlessOverridden() {
    Path root = TutorialEnvironment.projectRoot();
    Tutorial plain = TutorialEnvironment.builder(TutorialScale.SMOKE).build();
    assertEquals(root.resolve("output/notebooks_smoke"), plain.outputDir());
    assertEquals(root.resolve("data/optic_disc_seg_smoke"), plain.dataRoot());
    assertEquals(TutorialScale.SMOKE, plain.scale());
    assertEquals(root, plain.projectRoot());

    System.setProperty(TutorialEnvironment.OUTPUT_PROPERTY, tmp.resolve("runs").toString());
    System.setProperty(TutorialEnvironment.DATA_PROPERTY, tmp.resolve("data").toString());
    Tutorial moved = TutorialEnvironment.builder(TutorialScale.CPU).build();
    assertEquals(tmp.resolve("runs"), moved.outputDir());
    assertEquals(tmp.resolve("data"), moved.dataRoot());
    assertEquals(tmp.resolve("runs").resolve("teacher"), moved.runDir("teacher"));
  }

  @Test
  void freshRunDirEmptiesAPreviousRun() throws Exception {
    Tutorial tutorial = Tutorial.builder().optOutputDir(tmp).build();
    Path old = Files.createDirectories(tmp.resolve("student/iter_6"));
    Files.writeString(old.resolve("model.params"), "x");
    Files.writeString(tmp.resolve("student/eval_log.csv"), "iter,miou\n");
    Files.writeString(tmp.resolve("keep.txt"), "other runs stay");
    Path dir = tutorial.freshRunDir("student");
    assertEquals(tmp.resolve("student"), dir);
    assertTrue(Files.isDirectory(dir));
    try (var list = Files.list(dir)) {
      assertEquals(0, list.count());
    }
    assertTrue(Files.exists(tmp.resolve("keep.txt")));
  }

  @Test
  void runSummaryReadsTheBestEvaluationOfASavedRun() throws Exception {
    Path run = Files.createDirectories(tmp.resolve("student"));
    assertFalse(RunSummary.read(run).isPresent(), "no evaluation log yet");
    Files.writeString(
        run.resolve("eval_log.csv"),
        "iter,miou,acc,kappa,mdice,images,seconds,iou_0,iou_1\n"
            + "2,0.50,0.9,0,0.5,8,1.0,0.96,0.04\n"
            + "4,0.75,0.9,0,0.5,8,1.0,0.98,0.52\n"
            + "6,0.75,0.9,0,0.5,8,1.0,0.99,0.51\n");
    RunSummary s = RunSummary.read(run).orElseThrow();
    assertEquals("student", s.name());
    assertEquals(4, s.iteration(), "the first of equal best values, as the trainer keeps it");
    assertEquals(0.75, s.miou(), 1e-12);
    assertArrayEquals(new double[] {0.98, 0.52}, s.classIou(), 1e-12);
    assertEquals(0.52, s.discIou(), 1e-12);
  }

  @Test
  void yamlSectionsPicksTopLevelBlocksInConfigOrder() throws Exception {
    Path yml = tmp.resolve("c.yml");
    Files.writeString(
        yml,
        "batch_size: 2\niters: 6\nmodel:\n  type: DeepLabV3P\n  num_classes: 2\n"
            + "distill_loss:\n  types:\n    - type: KLLoss\n  coef: [3]\n");
    ResolvedConfig config = ConfigLoader.load(yml);
    String text = Tutorial.yamlSections(config, "distill_loss", "model", "absent");
    assertTrue(text.startsWith("model:\n"), text);
    assertTrue(text.contains("  num_classes: 2\n"), text);
    assertTrue(text.indexOf("distill_loss:") > text.indexOf("model:"), "config order");
    assertTrue(text.contains("KLLoss"), text);
    assertFalse(text.contains("iters"), text);
    assertEquals("", Tutorial.yamlSections(config, "absent"));
  }

  @Test
  void pathsInsideTheProjectAreShownRelativeToItsRoot() throws Exception {
    Path root = tmp.resolve("project");
    Files.createDirectories(root.resolve("configs").resolve("quick_start"));
    Path run = root.resolve("output").resolve("notebooks_cpu").resolve("teacher");
    assertEquals(
        Path.of("output", "notebooks_cpu", "teacher").toString(), TutorialEnvironment.shown(run));
    Path outside = tmp.resolve("elsewhere").resolve("data");
    assertEquals(outside.toString(), TutorialEnvironment.shown(outside));
    assertEquals(root.toString(), TutorialEnvironment.shown(root));
  }
}
