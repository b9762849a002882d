package org.distill4j.train.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Zero-dimensional float32 tensors on the CPU for the constants of an update (learning rate,
 * momentum, weight decay), made once and reused for every parameter.
 *
 * <p>Why: DJL's {@code array.mul(number)} makes a new zero-dimensional tensor on the array's device
 * for every call. On a GPU that is a copy from host memory, which waits for the GPU to finish its
 * queue, so an update of a few hundred parameter arrays stopped the GPU a few hundred times per
 * step (a profile of a ResNet18 step on an H200: about 460 such copies per step, a quarter of the
 * host's time). PyTorch takes a CPU scalar tensor as the scalar operand of an operation on any
 * device and passes its value to the kernel, with the same float32 arithmetic, so the results are
 * unchanged.
 */
final class HostScalars implements AutoCloseable {
  /** Enough for every constant of one step of any optimizer here; older values are freed. */
  private static final int CAPACITY = 16;

  private NDManager manager;
  private final Map<Integer, NDArray> byBits =
      new LinkedHashMap<>(CAPACITY, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, NDArray> eldest) {
          if (size() > CAPACITY) {
            eldest.getValue().close();
            return true;
          }
          return false;
        }
      };

  /** The CPU scalar holding {@code value} rounded to float32, as {@code array.mul(float)} would. */
  synchronized NDArray of(double value) {
    float f = (float) value;
    NDArray cached = byBits.get(Float.floatToRawIntBits(f));
    if (cached == null) {
      if (manager == null) {
        manager = NDManager.newBaseManager(Device.cpu());
      }
      cached = manager.create(f);
      byBits.put(Float.floatToRawIntBits(f), cached);
    }
    return cached;
  }

  /** How many scalars are held (for tests). */
  synchronized int size() {
    return byBits.size();
  }

  @Override
  public synchronized void close() {
    byBits.clear();
    if (manager != null) {
      manager.close();
      manager = null;
    }
  }
}
