package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.distill4j.train.History;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distillation through the command line: a briefly trained teacher, then output distillation, then
 * intermediate tensors with a connector between stages of different width, resume, and the errors a
 * user meets first.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("slow")
class DistillEndToEndTest {
  @TempDir static Path tmp;
  static Path data;
  static Path teacherConfig;
  static Path studentConfig;
  static Path teacherOut;

  @BeforeAll
  static void makeDataAndTeacher() throws Exception {
    data = tmp.resolve("optic");
    assertEquals(
        0,
        run(
            "make-dataset",
            "--out",
            data.toString(),
            "--train",
            "6",
            "--val",
            "3",
            "--test",
            "1",
            "--width",
            "80",
            "--height",
            "72"));
    teacherConfig =
        derived(
            "teacher.yml",
            "configs/smoke/deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml",
            "");
    studentConfig =
        derived(
            "student.yml",
            "configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml",
            "");
    teacherOut = tmp.resolve("teacher");
    assertEquals(
        0,
        run(
            "train",
            "--config",
            teacherConfig.toString(),
            "--iters",
            "2",
            "--do_eval",
            "--save_interval",
            "2",
            "--save_dir",
            teacherOut.toString()));
    assertTrue(Files.isDirectory(teacherOut.resolve("best_model")));
  }

  static Path derived(String name, String base, String extra) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(
        file,
        "_base_: '"
            + Paths.get(base).toAbsolutePath()
            + "'\n"
            + "train_dataset:\n  dataset_root: '"
            + data
            + "'\n"
            + "val_dataset:\n  dataset_root: '"
            + data
            + "'\n"
            + extra);
    return file;
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
  void outputDistillationLogsEveryTermAndSavesTheStudent() throws Exception {
    Path out = tmp.resolve("kd");
    assertEquals(
        0,
        run(
            "distill",
            "--teather_config",
            teacherConfig.toString(),
            "--student_config",
            studentConfig.toString(),
            "--teacher_model",
            teacherOut.resolve("best_model").toString(),
            "--iters",
            "4",
            "--save_interval",
            "2",
            "--log_iters",
            "1",
            "--do_eval",
            "--save_dir",
            out.toString()));
    Map<String, List<Double>> log = History.readCsv(out.resolve("train_log.csv"));
    assertEquals(4, log.get("loss").size());
    for (int i = 0; i < 4; i++) {
      double total = log.get("loss").get(i);
      double ce = log.get("out_loss").get(i);
      double kd = log.get("out_distill_loss").get(i);
      assertTrue(kd > 0, "KL between two different models is positive: " + kd);
      assertEquals(ce + kd, total, 1e-4 * Math.max(1, total));
    }
    assertTrue(Files.exists(out.resolve("iter_4").resolve("model.params")));
    assertTrue(Files.exists(out.resolve("best_model").resolve("model.params")));
    assertTrue(Files.exists(out.resolve("teacher_config.yml")));
    // The student is saved alone: its weights load into the student config's model.
    assertEquals(
        0,
        run(
            "eval",
            "--config",
            studentConfig.toString(),
            "--model_path",
            out.resolve("best_model").toString()));
  }

  @Test
  @Order(2)
  void intermediateTensorsWithAConnectorTrainSaveAndResume() throws Exception {
    Path config =
        derived(
            "student_features.yml",
            "configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml",
            "distill:\n"
                + "  student_adaptor: {hidden_0: backbone.stage3, hidden_1: head.aspp}\n"
                + "  teacher_adaptor: {hidden_0: backbone.stage3, hidden_1: head.aspp}\n"
                + "  entries:\n"
                + "    - {feature_type: hidden, s_feature_idx: 0, t_feature_idx: 0,"
                + " loss_function: L1Loss, weight: 0.5, connector: true}\n"
                + "    - {s_feature_idx: 1, t_feature_idx: 1, loss_function: KLLoss}\n");
    Path out = tmp.resolve("features");
    String[] common = {
      "distill",
      "--teacher_config",
      teacherConfig.toString(),
      "--student_config",
      config.toString(),
      "--teacher_model",
      teacherOut.resolve("best_model").toString(),
      "--iters",
      "4",
      "--save_interval",
      "2",
      "--log_iters",
      "1",
      "--save_dir",
      out.toString()
    };
    assertEquals(0, run(common));
    Map<String, List<Double>> log = History.readCsv(out.resolve("train_log.csv"));
    assertEquals(4, log.get("loss").size());
    for (int i = 0; i < 4; i++) {
      double features = log.get("feature_distill_loss").get(i);
      double sum = log.get("out_loss").get(i) + log.get("out_distill_loss").get(i) + features;
      assertEquals(log.get("loss").get(i), sum, 1e-4 * Math.max(1, sum));
      assertTrue(features > 0);
    }
    assertTrue(Files.exists(out.resolve("iter_2").resolve("connector_0.params")));
    assertTrue(Files.exists(out.resolve("iter_4").resolve("connector_0.params")));
    // Resume from iter_2 reaches iter 4 again, reading connectors and optimizer state back.
    Path resumed = tmp.resolve("features_resumed");
    String[] resume = java.util.Arrays.copyOf(common, common.length + 2);
    resume[resume.length - 2] = "--resume_model";
    resume[resume.length - 1] = out.resolve("iter_2").toString();
    resume[java.util.Arrays.asList(resume).indexOf(out.toString())] = resumed.toString();
    assertEquals(0, run(resume));
    assertTrue(Files.exists(resumed.resolve("iter_4").resolve("connector_0.params")));
    assertFalse(Files.exists(resumed.resolve("iter_2")), "resume starts after iter 2");
  }

  @Test
  @Order(2)
  void teacherCacheGivesTheSameLossesAsTheTeacherAndIsReused() throws Exception {
    Path cache = tmp.resolve("teacher_cache");
    List<String> outputs = new java.util.ArrayList<>();
    for (String name : List.of("kd_cached", "kd_cached_again")) {
      java.io.PrintStream stdout = System.out;
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      System.setOut(new PrintStream(captured, true));
      try {
        assertEquals(
            0,
            run(
                "distill",
                "--teacher_config",
                teacherConfig.toString(),
                "--student_config",
                studentConfig.toString(),
                "--teacher_model",
                teacherOut.resolve("best_model").toString(),
                "--teacher_cache",
                cache.toString(),
                "--iters",
                "4",
                "--log_iters",
                "1",
                "--save_dir",
                tmp.resolve(name).toString()));
      } finally {
        System.setOut(stdout);
      }
      outputs.add(captured.toString());
      Map<String, List<Double>> uncached =
          History.readCsv(tmp.resolve("kd").resolve("train_log.csv"));
      Map<String, List<Double>> cached =
          History.readCsv(tmp.resolve(name).resolve("train_log.csv"));
      for (String term : List.of("loss", "out_loss", "out_distill_loss")) {
        assertEquals(uncached.get(term), cached.get(term), name + " " + term);
      }
    }
    assertTrue(outputs.get(0).contains("[TEACHER CACHE] 12/12 inputs"), outputs.get(0));
    assertTrue(outputs.get(0).contains("4 batches from the cache"), outputs.get(0));
    assertTrue(outputs.get(0).contains("0 computed by the teacher"), outputs.get(0));
    assertTrue(outputs.get(1).contains("[TEACHER CACHE] using " + cache), outputs.get(1));
    assertTrue(Files.exists(cache.resolve("manifest.properties")));
  }

  @Test
  @Order(3)
  void errorsAreOneLineBeforeTraining() throws Exception {
    // No trained weights for the teacher.
    String err =
        runCapturingErr(
            2,
            "distill",
            "--teacher_config",
            teacherConfig.toString(),
            "--student_config",
            studentConfig.toString(),
            "--save_dir",
            tmp.resolve("e1").toString());
    assertTrue(err.contains("model.pretrained") && err.contains("best_model"), err);
    assertEquals(1, err.strip().lines().count(), err);
    // Weights path that does not exist.
    err =
        runCapturingErr(
            2,
            "distill",
            "--teacher_config",
            teacherConfig.toString(),
            "--student_config",
            studentConfig.toString(),
            "--teacher_model",
            tmp.resolve("nowhere").toString());
    assertTrue(err.contains("nowhere"), err);
    // A tap path that does not exist names the nearest real ones.
    Path badTap =
        derived(
            "bad_tap.yml",
            "configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml",
            "distill:\n  student_adaptor: {hidden_0: head.asp}\n"
                + "  teacher_adaptor: {hidden_0: head.aspp}\n"
                + "  entries: [{loss_function: L1Loss}]\n");
    err =
        runCapturingErr(
            2,
            "distill",
            "--teacher_config",
            teacherConfig.toString(),
            "--student_config",
            badTap.toString(),
            "--teacher_model",
            teacherOut.resolve("best_model").toString());
    assertTrue(err.contains("head.asp") && err.contains("head.aspp"), err);
    // Different shapes without a connector show both shapes and both paths.
    Path mismatch =
        derived(
            "mismatch.yml",
            "configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml",
            "distill:\n  student_adaptor: {hidden_0: backbone.stage3}\n"
                + "  teacher_adaptor: {hidden_0: backbone.stage3}\n"
                + "  entries: [{loss_function: L1Loss}]\n");
    err =
        runCapturingErr(
            2,
            "distill",
            "--teacher_config",
            teacherConfig.toString(),
            "--student_config",
            mismatch.toString(),
            "--teacher_model",
            teacherOut.resolve("best_model").toString());
    assertTrue(err.contains("512") && err.contains("2048") && err.contains("connector"), err);
    // A teacher with other classes is named as such, not as weights that do not fit.
    Path threeClasses =
        derived(
            "teacher_three_classes.yml",
            "configs/smoke/deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml",
            "model: {num_classes: 3}\n");
    err =
        runCapturingErr(
            2,
            "distill",
            "--teacher_config",
            threeClasses.toString(),
            "--student_config",
            studentConfig.toString(),
            "--teacher_model",
            teacherOut.resolve("best_model").toString());
    assertTrue(err.startsWith("error: num_classes differ: teacher 3"), err);
    assertEquals(1, err.strip().lines().count(), err);
  }
}
