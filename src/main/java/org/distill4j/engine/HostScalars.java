package org.distill4j.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Zero-dimensional float32 tensors on the CPU for the numbers in tensor arithmetic ({@code
 * x.mul(scalar)} instead of {@code x.mul(number)}), made once per value and reused.
 *
 * <p>Why: DJL's {@code array.mul(number)} (and {@code addi}, {@code muli}, ... with a number) makes
 * a new zero-dimensional tensor on the array's device for every call. On a GPU that is a copy from
 * host memory, which waits for the GPU to finish its queue: a profile of a ResNet18 training step
 * on an H200 counted about 460 such copies per step, a quarter of the host's time, most of them in
 * the optimizer's update and the rest in BatchNorm's statistics. PyTorch takes a CPU scalar tensor
 * as the scalar operand of an operation on any device and passes its value to the kernel, with the
 * same float32 arithmetic, so results are bit for bit those of {@code mul(number)}.
 *
 * <p>Two kinds: {@link #bounded} for an owner that uses a few values at a time and frees them (an
 * optimizer: its learning rate changes every step); {@link #shared} for values that recur for the
 * life of the process (a layer's constants), kept until the process ends, at most {@value
 * #SHARED_CAPACITY} of them.
 */
public final class HostScalars implements AutoCloseable {
  /** How many values {@link #shared} keeps; beyond it, it answers null and callers use numbers. */
  public static final int SHARED_CAPACITY = 4096;

  private static final Map<Integer, NDArray> SHARED = new HashMap<>();
  private static NDManager sharedManager;

  private final int capacity;
  private NDManager manager;
  private final Map<Integer, NDArray> byBits;

  private HostScalars(int capacity) {
    this.capacity = capacity;
    this.byBits =
        new LinkedHashMap<>(capacity, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Integer, NDArray> eldest) {
            if (size() > HostScalars.this.capacity) {
              eldest.getValue().close();
              return true;
            }
            return false;
          }
        };
  }

  /**
   * A cache of the {@code capacity} most recently used values; an older value's tensor is closed
   * when it leaves, so the owner must not use more than {@code capacity} values at once.
   */
  public static HostScalars bounded(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    }
    return new HostScalars(capacity);
  }

  /** The CPU scalar holding {@code value} rounded to float32, as {@code array.mul(float)} would. */
  public synchronized NDArray of(double value) {
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

  /**
   * The process-wide CPU scalar holding {@code value}, never closed; null once {@value
   * #SHARED_CAPACITY} values are held (then pass the number itself).
   */
  public static synchronized NDArray shared(float value) {
    int bits = Float.floatToRawIntBits(value);
    NDArray cached = SHARED.get(bits);
    if (cached == null) {
      if (SHARED.size() >= SHARED_CAPACITY) {
        return null;
      }
      if (sharedManager == null) {
        sharedManager = NDManager.newBaseManager(Device.cpu());
      }
      cached = sharedManager.create(value);
      SHARED.put(bits, cached);
    }
    return cached;
  }

  /** How many scalars this cache holds (for tests). */
  public synchronized int size() {
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
