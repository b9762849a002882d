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
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.List;
import org.distill4j.config.Amp;
import org.distill4j.distill.FrozenTeacher;
import org.distill4j.engine.Autocast;
import org.distill4j.engine.FrozenWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A frozen teacher with {@code teacher_amp: bf16}: float32 outputs that are a bfloat16 forward
 * pass's (not the float32 teacher's, and close to them), with its weights rounded once to the
 * numbers a bf16 forward rounds them to at every call; a float32 teacher stays float32 inside a
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
  void roundsItsWeightsOnceToTheNumbersABf16ForwardRoundsThemTo() {
    FrozenTeacher bf16 = new FrozenTeacher(model, List.of(), Amp.BF16);
    try (NDManager step = NDManager.newBaseManager()) {
      NDArray images = step.randomNormal(new Shape(2, 3, 32, 32));
      float[] first = bf16.forward(images).logits().head().toFloatArray();
      float[] second = bf16.forward(images).logits().head().toFloatArray();
      assertArrayEquals(first, second, "the same copies on every pass");
      NDList perCall;
      try (Autocast scope = Autocast.scope(Amp.BF16)) {
        perCall =
            Autocast.float32(
                model.block().forward(new ParameterStore(step, false), new NDList(images), false));
      }
      assertArrayEquals(perCall.head().toFloatArray(), first, "weights rounded once or per call");
    }
  }

  @Test
  void everyConvolutionComputesWithItsCopyMadeOnce() {
    long convolutionParameters =
        model.block().getParameters().values().stream()
            .filter(p -> p.getType() == Parameter.Type.WEIGHT || p.getType() == Parameter.Type.BIAS)
            .count();
    FrozenWeights frozen = new FrozenWeights();
    try (NDManager step = NDManager.newBaseManager()) {
      NDArray images = step.randomNormal(new Shape(1, 3, 32, 32));
      for (int pass = 0; pass < 2; pass++) {
        try (Autocast scope = Autocast.scope(Amp.BF16, frozen)) {
          model.block().forward(new ParameterStore(step, false), new NDList(images), false);
        }
        assertEquals(convolutionParameters, frozen.bf16Count(), "copies after pass " + pass);
      }
    }
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
