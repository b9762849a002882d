package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.distill4j.train.History;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's path through the command line on a tiny generated dataset: make-dataset, check, train
 * with evaluation and charts, eval, predict.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("slow")
class EndToEndTest {
  @TempDir static Path tmp;
  static Path data;
  static Path config;
  static Path out;

  @BeforeAll
  static void makeData() throws Exception {
    data = tmp.resolve("optic");
    out = tmp.resolve("out");
    assertEquals(
        0,
        run(
            "make-dataset",
            "--out",
            data.toString(),
            "--train",
            "8",
            "--val",
            "4",
            "--test",
            "2",
            "--width",
            "80",
            "--height",
            "72"));
    config = tmp.resolve("student.yml");
    Path base = Paths.get("configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml");
    Files.writeString(
        config,
        "_base_: '"
            + base.toAbsolutePath()
            + "'\n"
            + "train_dataset:\n  dataset_root: '"
            + data
            + "'\n"
            + "val_dataset:\n  dataset_root: '"
            + data
            + "'\n");
  }

  static int run(String... args) {
    return Main.run(args, System.err);
  }

  static String runCapturingErr(int expectedCode, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(err, true));
    assertEquals(expectedCode, code, err.toString());
    return err.toString();
  }

  @Test
  @Order(1)
  void checkValidatesConfigAndData() {
    assertEquals(0, run("check", "--config", config.toString()));
  }

  @Test
  @Order(2)
  void trainWritesCheckpointsHistoryAndCharts() throws Exception {
    assertEquals(
        0,
        run(
            "train",
            "--config",
            config.toString(),
            "--do_eval",
            "--use_vdl",
            "--save_interval",
            "3",
            "--log_iters",
            "2",
            "--seed",
            "0",
            "--save_dir",
            out.toString(),
            "--num_workers",
            "2"));
    assertTrue(Files.exists(out.resolve("config.yml")));
    assertTrue(Files.isDirectory(out.resolve("iter_3")));
    assertTrue(Files.isDirectory(out.resolve("iter_6")));
    assertTrue(Files.isDirectory(out.resolve("best_model")));
    assertTrue(Files.exists(out.resolve("iter_6").resolve("optimizer.state")));
    try (Stream<Path> leftovers = Files.list(out)) {
      assertTrue(leftovers.noneMatch(p -> p.getFileName().toString().contains(".tmp-")));
    }
    Map<String, List<Double>> train = History.readCsv(out.resolve(History.TRAIN_FILE));
    assertEquals(List.of(2.0, 4.0, 6.0), train.get("iter"));
    for (double loss : train.get("loss")) {
      assertTrue(loss > 0 && Double.isFinite(loss), "loss " + loss);
    }
    // Polynomial decay from 0.01 over 6 iterations: iteration 2 uses step 1.
    assertEquals(0.01 * Math.pow(1 - 1.0 / 6, 0.9), train.get("lr").get(0), 1e-6);
    Map<String, List<Double>> eval = History.readCsv(out.resolve(History.EVAL_FILE));
    assertEquals(List.of(3.0, 6.0), eval.get("iter"));
    for (double miou : eval.get("miou")) {
      assertTrue(miou >= 0 && miou <= 1, "miou " + miou);
    }
    for (String png : List.of("loss.png", "lr.png", "miou.png")) {
      BufferedImage img = ImageIO.read(out.resolve(png).toFile());
      assertTrue(img.getWidth() > 100, png);
    }
  }

  @Test
  @Order(3)
  void evalAndPredictUseTheSavedWeights() throws Exception {
    assertEquals(
        0,
        run(
            "eval",
            "--config",
            config.toString(),
            "--model_path",
            out.resolve("best_model").toString()));
    Path result = tmp.resolve("result");
    assertEquals(
        0,
        run(
            "predict",
            "--config",
            config.toString(),
            "--model_path",
            out.resolve("iter_6").toString(),
            "--image_path",
            data.resolve("JPEGImages").toString(),
            "--save_dir",
            result.toString()));
    List<Path> masks;
    try (Stream<Path> s = Files.list(result.resolve("pseudo_color_prediction"))) {
      masks = s.sorted().toList();
    }
    assertEquals(14, masks.size());
    BufferedImage mask = ImageIO.read(masks.get(0).toFile());
    assertEquals(80, mask.getWidth());
    assertEquals(72, mask.getHeight());
    for (int y = 0; y < 72; y++) {
      for (int x = 0; x < 80; x++) {
        int v = mask.getRaster().getSample(x, y, 0);
        assertTrue(v == 0 || v == 1, "class index " + v);
      }
    }
    try (Stream<Path> s = Files.list(result.resolve("added_prediction"))) {
      assertEquals(14, s.count());
    }
  }

  @Test
  @Order(4)
  void resumeContinuesFromACheckpoint() throws Exception {
    Path resumed = tmp.resolve("resumed");
    assertEquals(
        0,
        run(
            "train",
            "--config",
            config.toString(),
            "--save_interval",
            "3",
            "--log_iters",
            "1",
            "--seed",
            "0",
            "--save_dir",
            resumed.toString(),
            "--resume_model",
            out.resolve("iter_3").toString()));
    Map<String, List<Double>> train = History.readCsv(resumed.resolve(History.TRAIN_FILE));
    assertEquals(List.of(4.0, 5.0, 6.0), train.get("iter"));
  }

  @Test
  @Order(5)
  void badInputIsOneLineWithExitCode2() throws Exception {
    Path bad = tmp.resolve("bad.yml");
    Files.writeString(bad, "_base_: '" + config + "'\nbatch_size: 0\n");
    String err = runCapturingErr(2, "train", "--config", bad.toString());
    assertTrue(err.startsWith("error: ") && err.contains("batch_size"), err);
    assertEquals(1, err.strip().lines().count(), err);
    String missing = runCapturingErr(2, "check", "--config", tmp.resolve("nope.yml").toString());
    assertTrue(missing.contains("nope.yml"), missing);
  }
}
