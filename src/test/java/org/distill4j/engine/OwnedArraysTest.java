package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operands made by {@link OwnedArrays} stay valid for the backward pass even when a garbage
 * collection runs between forward and backward; DJL's own scalar operands do not.
 */
class OwnedArraysTest {
  private static final int ROUNDS = 5;
  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  /**
   * d/dx sum(op(x)) at x = {@code value}; whatever op creates is closed and collected before the
   * backward pass.
   */
  private float[] gradientAcrossCollection(float value, UnaryOperator<NDArray> op) {
    NDArray x = manager.full(new Shape(4), value);
    x.setRequiresGradient(true);
    try (NDManager step = manager.newSubManager();
        GradientCollector collector = manager.getEngine().newGradientCollector()) {
      NDArray loss;
      // As in a training step, what the forward pass creates is freed before backward runs.
      try (NDManager forwardScope = step.newSubManager()) {
        forwardScope.tempAttachAll(x);
        loss = op.apply(x).sum();
        loss.attach(step);
      }
      GcPressure.collectAndReuseFreedMemory();
      collector.backward(loss);
    }
    return x.getGradient().toFloatArray();
  }

  private void assertGradient(float expected, float at, UnaryOperator<NDArray> op) {
    for (int round = 0; round < ROUNDS; round++) {
      assertArrayEquals(
          new float[] {expected, expected, expected, expected},
          gradientAcrossCollection(at, op),
          1e-6f,
          "round " + round);
    }
  }

  @Test
  void productKeepsItsFactor() {
    assertGradient(3f, 1f, x -> OwnedArrays.mul(x, 3));
  }

  @Test
  void quotientKeepsItsDivisor() {
    assertGradient(0.25f, 1f, x -> OwnedArrays.div(x, 4));
  }

  @Test
  void powerKeepsItsExponent() {
    assertGradient(12f, 2f, x -> OwnedArrays.pow(x, 3));
  }

  @Test
  void maximumKeepsItsFloor() {
    assertGradient(1f, 2f, x -> OwnedArrays.maximum(x, 0.5));
    assertGradient(0f, 0.1f, x -> OwnedArrays.maximum(x, 0.5));
  }

  @Test
  void copyIsIndependentOfTheJavaArray() {
    float[] data = {1f, 2f, 3f, 4f};
    for (int round = 0; round < ROUNDS; round++) {
      float[] grad =
          gradientAcrossCollection(
              1f, x -> x.mul(OwnedArrays.copyOf(x.getManager(), data, new Shape(4))));
      assertArrayEquals(data, grad, "round " + round);
    }
  }

  @Test
  void scalarHasTheDataTypeAndDeviceOfItsModel() {
    NDArray like = manager.zeros(new Shape(2), ai.djl.ndarray.types.DataType.FLOAT64);
    NDArray s = OwnedArrays.scalar(like, 0.1);
    assertEquals(like.getDataType(), s.getDataType());
    assertEquals(like.getDevice(), s.getDevice());
    assertEquals(new Shape(), s.getShape());
    assertEquals(0.1f, s.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).getFloat(), 0f);
  }

  /**
   * Why the class exists, and proof that the collection above can expose the fault: DJL's {@code
   * mul(Number)} hands the graph a scalar in a Java buffer it frees at once. Should a DJL version
   * stop doing that, this fails, and the class could go.
   */
  @Test
  void djlScalarOperandIsReadAfterItIsFreed() {
    int wrong = 0;
    for (int round = 0; round < ROUNDS; round++) {
      if (gradientAcrossCollection(1f, x -> x.mul(3f))[0] != 3f) {
        wrong++;
      }
    }
    assertNotEquals(0, wrong, "DJL's scalar operand survived every collection");
  }
}
