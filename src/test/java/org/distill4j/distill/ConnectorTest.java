package org.distill4j.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** A connector maps the student's shape to the teacher's, and is the identity when they match. */
class ConnectorTest {

  @Test
  void equalShapesPassThroughUnchanged() {
    try (NDManager m = NDManager.newBaseManager()) {
      Shape s = new Shape(2, 3, 4, 5);
      Connector c = new Connector(s, s);
      c.initialize(m, DataType.FLOAT32, s);
      assertFalse(c.isTrainable());
      NDArray x = m.randomNormal(s);
      NDArray y = c.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
      assertArrayEquals(x.toFloatArray(), y.toFloatArray());
    }
  }

  @Test
  void channelsAreProjectedAndSizeIsResized() {
    try (NDManager m = NDManager.newBaseManager()) {
      Shape student = new Shape(2, 8, 12, 12);
      Shape teacher = new Shape(2, 32, 6, 6);
      Connector c = new Connector(student, teacher);
      c.initialize(m, DataType.FLOAT32, student);
      assertTrue(c.isTrainable());
      // 1x1 conv (8 -> 32, no bias) + BN (gamma, beta)
      long params =
          c.getParameters().values().stream()
              .filter(p -> p.getType() != ai.djl.nn.Parameter.Type.RUNNING_MEAN)
              .filter(p -> p.getType() != ai.djl.nn.Parameter.Type.RUNNING_VAR)
              .mapToLong(p -> p.getArray().size())
              .sum();
      assertEquals(8 * 32 + 32 + 32, params);
      NDArray y =
          c.forward(new ParameterStore(m, false), new NDList(m.randomNormal(student)), true)
              .singletonOrThrow();
      assertEquals(teacher, y.getShape());
      assertEquals(teacher, c.getOutputShapes(new Shape[] {student})[0]);
    }
  }

  @Test
  void sizeOnlyMismatchResizesWithoutParameters() {
    try (NDManager m = NDManager.newBaseManager()) {
      Shape student = new Shape(1, 2, 4, 4);
      Shape teacher = new Shape(1, 2, 8, 8);
      Connector c = new Connector(student, teacher);
      c.initialize(m, DataType.FLOAT32, student);
      assertFalse(c.isTrainable());
      NDArray constant = m.ones(student).mul(3f);
      NDArray y =
          c.forward(new ParameterStore(m, false), new NDList(constant), false).singletonOrThrow();
      assertEquals(teacher, y.getShape());
      // Bilinear resizing keeps a constant map constant.
      for (float v : y.toFloatArray()) {
        assertEquals(3f, v, 1e-6f);
      }
    }
  }
}
