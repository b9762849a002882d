package org.distill4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.io.weights.HostArray;
import org.distill4j.io.weights.Pdparams;
import org.distill4j.models.backbones.ResNetVdSpec;
import org.distill4j.testing.Python;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PaddleSeg's weight files in distill4j: a whole model written with PaddleSeg's names by an
 * independent PyTorch implementation of DeepLabV3P (bench/pytorch_reference.py) gives the same
 * logits here; backbone-only files, skipped and missing entries follow PaddleSeg's rules; a model
 * exported as .pdparams reads back bit for bit.
 */
@Tag("slow")
class PaddleWeightsTest {
  private static final int SIZE = 64;
  @TempDir static Path dir;
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static SegmentationModel model(int depth, int outputStride, NDManager m) {
    int[] ratios = outputStride == 8 ? new int[] {1, 12, 24, 36} : new int[] {1, 6, 12, 18};
    SegmentationModel model =
        DeepLabV3P.builder()
            .setNumClasses(2)
            .setBackbone(
                ResNetVdSpec.builder(depth)
                    .optOutputStride(outputStride)
                    .optMultiGrid(1, 2, 4)
                    .build())
            .optAsppRatios(ratios)
            .build();
    model.initialize(m, new Shape(1, 3, SIZE, SIZE));
    return model;
  }

  private static float[] floats(Path file) {
    return Python.float32File(file);
  }

  private static Path export(int depth, int outputStride) {
    Path file = dir.resolve("r" + depth + "_os" + outputStride + ".pdparams");
    String ratios = outputStride == 8 ? "1,12,24,36" : "1,6,12,18";
    Python.run(
        dir,
        "import runpy, sys\n"
            + "sys.argv = ['pytorch_reference.py'] + sys.argv[1:]\n"
            + "runpy.run_path(sys.argv[0] if False else '"
            + Path.of("bench/pytorch_reference.py").toAbsolutePath()
            + "', run_name='__main__')\n",
        "--export_pdparams",
        file.toString(),
        "--depth",
        String.valueOf(depth),
        "--output_stride",
        String.valueOf(outputStride),
        "--aspp_ratios",
        ratios,
        "--size",
        String.valueOf(SIZE),
        "--seed",
        String.valueOf(depth + outputStride),
        "--threads",
        "1");
    return file;
  }

  @Test
  void aPyTorchDeepLabV3PSavedWithPaddleSegsNamesGivesTheSameLogits() throws Exception {
    for (int depth : new int[] {18, 50}) {
      for (int os : new int[] {8, 16}) {
        Path file = export(depth, os);
        try (NDManager m = manager.newSubManager()) {
          SegmentationModel model = model(depth, os, m);
          List<String> messages = new ArrayList<>();
          model.setMessages(messages::add);
          WeightsLoadReport report = model.loadWeights(file);
          int total = model.block().getParameters().size();
          assertEquals(total, report.loaded(), messages.toString());
          assertEquals(
              List.of("There are " + total + "/" + total + " variables loaded into DeepLabV3P."),
              messages);
          NDArray x = m.create(floats(Path.of(file + ".input.f32")), new Shape(1, 3, SIZE, SIZE));
          NDArray logits = model.forward(new ParameterStore(m, false), x, false);
          float[] want = floats(Path.of(file + ".logits.f32"));
          float[] got = logits.toFloatArray();
          assertEquals(want.length, got.length);
          float maxDiff = 0;
          float maxAbs = 0;
          for (int i = 0; i < got.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
            maxAbs = Math.max(maxAbs, Math.abs(want[i]));
          }
          System.out.printf(
              "ResNet%d_vd OS%d: max |logit diff| %.2e (largest logit %.2f)%n",
              depth, os, maxDiff, maxAbs);
          assertTrue(maxAbs > 1f, "the reference logits are far from zero: " + maxAbs);
          assertTrue(maxDiff <= 1e-3f, "ResNet" + depth + "_vd OS" + os + ": " + maxDiff);
          NDArray untouched = model(depth, os, m).forward(new ParameterStore(m, false), x, false);
          assertTrue(
              TestBlocks.maxDiff(untouched, logits) > 100 * maxDiff + 1e-3f,
              "a model without the file's weights gives other logits");
        }
      }
    }
  }

  @Test
  void backboneFilesLoadWithoutThePrefixAndIgnoreExtraKeys() {
    try (NDManager m = manager.newSubManager()) {
      Engine.getInstance().setRandomSeed(5);
      SegmentationModel source = model(18, 8, m);
      Map<String, HostArray> whole = ForeignWeights.export(source.block());
      Map<String, HostArray> backbone = new java.util.LinkedHashMap<>();
      whole.forEach(
          (k, v) -> {
            if (k.startsWith("backbone.")) {
              backbone.put(k.substring("backbone.".length()), v);
            }
          });
      backbone.put("fc_0.w_0", new HostArray(new long[] {512, 1000}, new float[512 * 1000]));
      Path file = dir.resolve("backbone.pdparams");
      Pdparams.write(backbone, file);

      SegmentationModel target = model(18, 16, m);
      List<String> messages = new ArrayList<>();
      target.setMessages(messages::add);
      WeightsLoadReport report = target.loadBackboneWeights(file);
      int n = target.block().getParameters().size() - whole.size() + backbone.size() - 1;
      assertEquals(n, report.total());
      assertEquals(
          List.of("There are " + n + "/" + n + " variables loaded into ResNet_vd."), messages);
      assertArrayEquals(
          whole.get("backbone.bb_3_1.conv1._batch_norm._variance").values(),
          TestBlocks.param(
                  target.block(), "01backbone_07stage3_02block1_02conv1_02batch_norm_runningVar")
              .getArray()
              .toFloatArray());

      ConfigException wrongPlace =
          assertThrows(ConfigException.class, () -> target.loadWeights(file));
      assertTrue(
          wrongPlace.getMessage().contains("name it in backbone.pretrained"),
          wrongPlace.getMessage());
    }
  }

  @Test
  void missingAndMisshapedEntriesAreReportedAsPaddleSegDoes() {
    try (NDManager m = manager.newSubManager()) {
      SegmentationModel source = model(18, 8, m);
      Map<String, HostArray> file = ForeignWeights.export(source.block());
      file.remove("head.decoder.conv.bias");
      file.put(
          "head.decoder.conv.weight", new HostArray(new long[] {3, 256, 1, 1}, new float[768]));
      Path path = dir.resolve("partial.pdparams");
      Pdparams.write(file, path);
      SegmentationModel target = model(18, 8, m);
      float[] before =
          TestBlocks.param(target.block(), "02head_02decoder_04conv_weight")
              .getArray()
              .toFloatArray();
      List<String> messages = new ArrayList<>();
      target.setMessages(messages::add);
      WeightsLoadReport report = target.loadWeights(path);
      int total = target.block().getParameters().size();
      assertEquals(
          List.of(
              "WARNING: [SKIP] Shape of pretrained params head.decoder.conv.weight doesn't"
                  + " match.(Pretrained: [3, 256, 1, 1], Actual: [2, 256, 1, 1])",
              "WARNING: head.decoder.conv.bias is not in pretrained model",
              "There are " + (total - 2) + "/" + total + " variables loaded into DeepLabV3P."),
          messages);
      assertEquals(total - 2, report.loaded());
      assertArrayEquals(
          before,
          TestBlocks.param(target.block(), "02head_02decoder_04conv_weight")
              .getArray()
              .toFloatArray(),
          "a skipped entry keeps its value");
    }
  }

  @Test
  void exportedPdparamsReadBackBitForBitIncludingBatchNormStatistics() {
    try (NDManager m = manager.newSubManager()) {
      Engine.getInstance().setRandomSeed(11);
      SegmentationModel source = model(50, 16, m);
      // A training forward moves BN running statistics away from 0 / 1.
      source.forward(
          new ParameterStore(m, false), m.randomNormal(new Shape(2, 3, SIZE, SIZE)), true);
      Path file = source.savePaddleWeights(dir.resolve("export/model.pdparams"));
      Engine.getInstance().setRandomSeed(12);
      SegmentationModel target = model(50, 16, m);
      target.setMessages(s -> {});
      target.loadWeights(file.getParent()); // a directory holding model.pdparams
      List<float[]> want = TestBlocks.values(source.block());
      List<float[]> got = TestBlocks.values(target.block());
      for (int i = 0; i < want.size(); i++) {
        assertArrayEquals(want.get(i), got.get(i), "parameter " + i);
      }
    }
  }

  @Test
  void filesOfNoKnownKindAreOneLine() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.pdparams"), "hello");
    try (NDManager m = manager.newSubManager()) {
      SegmentationModel target = model(18, 8, m);
      ConfigException e = assertThrows(ConfigException.class, () -> target.loadWeights(text));
      assertTrue(e.getMessage().startsWith(text + ": not a weights file"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }
}
