package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.config.SegConfig;
import org.distill4j.io.weights.HostArray;
import org.distill4j.io.weights.Pdparams;
import org.distill4j.models.Models;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.TrainFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PaddleSeg weight files on the command line: eval, predict and check take .pdparams, export writes
 * them, and the tutorial's step 2.5 path (best_model/model.pdparams) works after a distill4j run.
 */
@Tag("slow")
class PaddleWeightsCliTest {
  @TempDir static Path tmp;
  static ResolvedConfig student;
  static NDManager manager;
  static SegmentationModel trained;
  static Path paddleFile;

  @BeforeAll
  static void modelAndFiles() throws Exception {
    student = TrainFixtures.smokeStudentConfig(tmp, 64, 64, 2);
    manager = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(21);
    trained = Models.registry().build(new SegConfig(student.root()).model());
    trained.initialize(manager, Models.PARAMETER_SHAPE);
    paddleFile = trained.savePaddleWeights(tmp.resolve("paddle_run/best_model/model.pdparams"));
    trained.saveWeights(tmp.resolve("our_run/best_model"), "model");
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static String[] run(String... args) {
    return CapturedRuns.run(args);
  }

  @Test
  void evalAndPredictTakeAPdparamsFileOrItsDirectory() {
    String[] eval =
        run("eval", "--config", student.source().toString(), "--model_path", paddleFile.toString());
    assertEquals("0", eval[0], eval[2]);
    int total = trained.block().getParameters().size();
    assertTrue(
        eval[1].contains("There are " + total + "/" + total + " variables loaded into DeepLabV3P."),
        eval[1]);
    assertTrue(eval[1].contains("mIoU"), eval[1]);
    String[] predict =
        run(
            "predict",
            "--config",
            student.source().toString(),
            "--model_path",
            paddleFile.getParent().toString(),
            "--image_path",
            tmp.resolve("optic/JPEGImages").toString(),
            "--save_dir",
            tmp.resolve("predicted").toString());
    assertEquals("0", predict[0], predict[2]);
  }

  @Test
  void exportWritesPaddleSegsFileThatReadsBackBitForBit() throws Exception {
    Path out = tmp.resolve("exported");
    String[] r =
        run(
            "export",
            "--config",
            student.source().toString(),
            "--model_path",
            tmp.resolve("our_run/best_model").toString(),
            "--save_dir",
            out.toString());
    assertEquals("0", r[0], r[2]);
    Map<String, HostArray> written = Pdparams.read(out.resolve("model.pdparams"));
    Map<String, HostArray> original = Pdparams.read(paddleFile);
    assertEquals(original.keySet(), written.keySet());
    for (String k : original.keySet()) {
      assertArrayEquals(original.get(k).values(), written.get(k).values(), k);
    }
    assertTrue(written.containsKey("backbone.bb_0_0.conv0._batch_norm._variance"));
    assertTrue(written.containsKey("head.aspp.aspp_blocks.1.piontwise_conv._conv.weight"));
    assertTrue(Files.isRegularFile(out.resolve("config.yml")));
    String[] bad =
        run(
            "export",
            "--config",
            student.source().toString(),
            "--model_path",
            paddleFile.toString(),
            "--format",
            "onnx");
    assertEquals("2", bad[0]);
    assertTrue(bad[2].contains("--format must be paddle or distill4j"), bad[2]);
  }

  @Test
  void checkReportsTheLoadAndStep25sPathWorksAfterOurRun() throws Exception {
    // The tutorial's step 2.5 names <run>/best_model/model.pdparams; a distill4j run wrote
    // model.params there, which is read instead with a warning.
    Path config = tmp.resolve("teacher_step25.yml");
    Files.writeString(
        config,
        "_base_: '"
            + student.source()
            + "'\nmodel:\n  pretrained: '"
            + tmp.resolve("our_run/best_model/model.pdparams")
            + "'\n");
    String[] check = run("check", "--config", config.toString());
    assertEquals("0", check[0], check[2]);
    assertTrue(check[2].contains("does not exist; reading"), check[2]);
    Files.writeString(
        config, "_base_: '" + student.source() + "'\nmodel:\n  pretrained: '" + paddleFile + "'\n");
    check = run("check", "--config", config.toString());
    assertEquals("0", check[0], check[2]);
    int total = trained.block().getParameters().size();
    assertTrue(
        check[1].contains(
            "There are " + total + "/" + total + " variables loaded into DeepLabV3P."),
        check[1]);
    ResolvedConfig loaded = ConfigLoader.load(config);
    assertTrue(loaded.toYaml().contains("model.pdparams"));
  }
}
