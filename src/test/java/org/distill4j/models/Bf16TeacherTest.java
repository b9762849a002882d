package org.distill4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.List;
import org.distill4j.config.Amp;
import org.distill4j.distill.FrozenTeacher;
import org.distill4j.engine.Autocast;
import org.distill4j.engine.FrozenWeights;
import org.distill4j.models.layers.AutocastConv2d;
import org.distill4j.models.layers.ConvBNLayer;
import org.distill4j.testing.Bf16Cpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A frozen teacher with {@code teacher_amp: bf16}: float32 outputs that are a bfloat16 forward
 * pass's (not the float32 teacher's, and close to them), with its batch norms folded into its
 * convolutions and the folded weights rounded once; a float32 teacher stays float32 inside a
 * student's bf16 scope.
 */
class Bf16TeacherTest {
  private static final String TAP = "head.aspp";
  private static NDManager weights;
  private static SegmentationModel model;

  @BeforeAll
  static void open() {
    Engine.getInstance().setRandomSeed(5);
    weights = NDManager.newBaseManager();
    model = TestBlocks.deepLab(18, 8, 2);
    model.initialize(weights, new Shape(1, 3, 32, 32));
  }

  @AfterAll
  static void close() {
    weights.close();
  }

  @Test
  void handsOutFloat32FromABf16ForwardPassCloseToTheFloat32Teachers() {
    Bf16Cpus.assumeBf16RunsHere();
    FrozenTeacher exact = new FrozenTeacher(model, List.of(TAP));
    FrozenTeacher bf16 = new FrozenTeacher(model, List.of(TAP), Amp.BF16);
    assertEquals(Amp.NONE, exact.precision());
    assertEquals(Amp.BF16, bf16.precision());
    try (NDManager step = NDManager.newBaseManager()) {
      NDArray images = step.randomNormal(new Shape(2, 3, 32, 32));
      FrozenTeacher.Output reference = exact.forward(images);
      FrozenTeacher.Output rounded = bf16.forward(images);
      for (NDArray[] pair :
          List.of(
              new NDArray[] {reference.logits().head(), rounded.logits().head()},
              new NDArray[] {reference.tensors().get(TAP), rounded.tensors().get(TAP)})) {
        assertEquals(DataType.FLOAT32, pair[1].getDataType());
        float[] a = pair[0].toFloatArray();
        float[] b = pair[1].toFloatArray();
        assertFalse(Arrays.equals(a, b), "the bf16 teacher computes in bfloat16");
        assertTrue(
            Bf16ActivationsTest.cosine(a, b) > 0.999,
            "close to the float32 teacher: " + Bf16ActivationsTest.cosine(a, b));
      }
    }
  }

  @Test
  void roundsItsFoldedWeightsOnceToTheNumbersAFreshRoundingGives() {
    Bf16Cpus.assumeBf16RunsHere();
    FrozenTeacher bf16 = new FrozenTeacher(model, List.of(), Amp.BF16);
    try (NDManager step = NDManager.newBaseManager()) {
      NDArray images = step.randomNormal(new Shape(2, 3, 32, 32));
      float[] first = bf16.forward(images).logits().head().toFloatArray();
      float[] second = bf16.forward(images).logits().head().toFloatArray();
      assertArrayEquals(first, second, "the same copies on every pass");
      assertArrayEquals(bf16Forward(step, images, new FrozenWeights()), first, "a fresh rounding");
      // Without frozen weights a bf16 pass rounds the unfolded weights and runs the batch norms.
      float[] unfolded = bf16Forward(step, images, null);
      assertFalse(Arrays.equals(unfolded, first), "the teacher folds its batch norms");
      assertTrue(
          Bf16ActivationsTest.cosine(unfolded, first) > 0.999,
          "folded or not, the same bf16 forward: " + Bf16ActivationsTest.cosine(unfolded, first));
    }
  }

  private static float[] bf16Forward(NDManager step, NDArray images, FrozenWeights frozen) {
    try (Autocast scope = Autocast.scope(Amp.BF16, frozen)) {
      return Autocast.float32(
              model.block().forward(new ParameterStore(step, false), new NDList(images), false))
          .head()
          .toFloatArray();
    }
  }

  /**
   * One bfloat16 copy per weight a convolution computes with, made on the first pass: a layer with
   * a batch norm its folded weight and bias, any other convolution its weight and bias.
   */
  @Test
  void everyConvolutionComputesWithItsCopyMadeOnce() {
    FrozenWeights frozen = new FrozenWeights();
    try (NDManager step = NDManager.newBaseManager()) {
      NDArray images = step.randomNormal(new Shape(1, 3, 32, 32));
      for (int pass = 0; pass < 2; pass++) {
        bf16Forward(step, images, frozen);
        assertEquals(copiesExpected(model.block()), frozen.bf16Count(), "copies after " + pass);
        assertEquals(foldsExpected(model.block()), frozen.foldedCount(), "folds after " + pass);
      }
    }
  }

  private static int foldsExpected(Block block) {
    int n = block instanceof ConvBNLayer ? 1 : 0;
    for (Block child : block.getChildren().values()) {
      n += foldsExpected(child);
    }
    return n;
  }

  private static long copiesExpected(Block block) {
    if (block instanceof ConvBNLayer) {
      return 2;
    }
    if (block instanceof AutocastConv2d) {
      return block.getDirectParameters().size();
    }
    long n = 0;
    for (Block child : block.getChildren().values()) {
      n += copiesExpected(child);
    }
    return n;
  }

  @Test
  void aFloat32TeacherStaysFloat32InsideAStudentsBf16Scope() {
    FrozenTeacher exact = new FrozenTeacher(model, List.of(TAP));
    try (NDManager step = NDManager.newBaseManager()) {
      NDArray images = step.randomNormal(new Shape(2, 3, 32, 32));
      float[] outside = exact.forward(images).logits().head().toFloatArray();
      float[] inside;
      try (Autocast student = Autocast.scope(Amp.BF16)) {
        inside = exact.forward(images).logits().head().toFloatArray();
        assertEquals(Amp.BF16, Autocast.current(), "the student's scope is restored");
      }
      assertArrayEquals(outside, inside);
    }
  }
}
