package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The update's CPU scalars: reused, bounded, and arithmetic identical to {@code mul(float)}. */
class HostScalarsTest {
  @Test
  void aValueIsMadeOnceAsAFloat32CpuScalarAndOldValuesAreFreed() {
    try (HostScalars scalars = HostScalars.bounded(16)) {
      NDArray lr = scalars.of(0.01);
      assertSame(lr, scalars.of(0.01));
      assertSame(lr, scalars.of((float) 0.01), "the same float32 value");
      assertEquals(new Shape(), lr.getShape());
      assertEquals(DataType.FLOAT32, lr.getDataType());
      assertEquals(Device.cpu(), lr.getDevice());
      assertEquals(0.01f, lr.getFloat());
      for (int i = 0; i < 40; i++) {
        scalars.of(i);
      }
      assertEquals(16, scalars.size());
      assertTrue(lr.isReleased(), "the eldest value was closed when it left the cache");
    }
  }

  @Test
  void aKeepingCacheNeverFreesAndAnswersNullWhenFull() {
    try (HostScalars scalars = HostScalars.keeping(2)) {
      NDArray a = scalars.of(0.5);
      NDArray b = scalars.of(0.75);
      assertNull(scalars.of(0.125), "a third value does not fit");
      assertSame(a, scalars.of(0.5));
      assertSame(b, scalars.of(0.75));
      assertFalse(a.isReleased());
      assertEquals(2, scalars.size());
    }
    NDArray shared = HostScalars.shared(0.25f);
    assertSame(shared, HostScalars.shared(0.25f));
    assertEquals(Device.cpu(), shared.getDevice());
    assertEquals(0.25f, shared.getFloat());
    assertThrows(IllegalArgumentException.class, () -> HostScalars.bounded(0));
  }

  @Test
  void updatesWithCpuScalarsEqualUpdatesWithNumbersBitForBit() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        HostScalars scalars = HostScalars.bounded(16)) {
      manager.getEngine().setRandomSeed(3);
      NDArray weight = manager.randomNormal(new Shape(64, 3, 3, 3));
      NDArray grad = manager.randomNormal(new Shape(64, 3, 3, 3));
      NDArray velocity = manager.randomNormal(new Shape(64, 3, 3, 3));
      double wd = 4e-5;
      double momentum = 0.9;
      double lr = 0.0123456789;

      NDArray g1 = grad.add(weight.mul((float) wd));
      NDArray v1 = velocity.mul((float) momentum).add(g1);
      NDArray w1 = weight.sub(v1.mul((float) lr));

      NDArray g2 = grad.add(weight.mul(scalars.of(wd)));
      NDArray v2 = velocity.mul(scalars.of(momentum)).add(g2);
      NDArray w2 = weight.sub(v2.mul(scalars.of(lr)));

      assertArrayEquals(w1.toFloatArray(), w2.toFloatArray());
      assertArrayEquals(v1.toFloatArray(), v2.toFloatArray());
    }
  }
}
