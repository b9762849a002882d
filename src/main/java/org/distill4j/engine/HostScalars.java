package org.distill4j.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
 * <p>The tensors are made by libtorch ({@code full}), like {@link OwnedArrays}' constants, so their
 * memory never depends on a Java buffer staying alive.
 *
 * <p>Two kinds: {@link #bounded} for an owner that uses a few values at a time and frees them (an
 * optimizer: its learning rate changes every step), and {@link #keeping} for values that recur (a
 * layer's constants), which are never freed; {@link #shared} is the process-wide one of those, for
 * {@value #SHARED_CAPACITY} values.
 */
public final class HostScalars implements AutoCloseable {
  /** How many values {@link #shared} keeps; beyond it, it answers null and callers use numbers. */
  public static final int SHARED_CAPACITY = 4096;

  private static final HostScalars SHARED = keeping(SHARED_CAPACITY);

  private final int capacity;
  private final boolean evicts;
  private final Map<Integer, NDArray> byBits;
  private NDManager manager;

  private HostScalars(int capacity, boolean evicts) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    }
    this.capacity = capacity;
    this.evicts = evicts;
    this.byBits =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Integer, NDArray> eldest) {
            if (HostScalars.this.evicts && size() > HostScalars.this.capacity) {
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
    return new HostScalars(capacity, true);
  }

  /**
   * A cache that keeps every value it makes, up to {@code capacity}; after that {@link #of} answers
   * null for a new value.
   */
  public static HostScalars keeping(int capacity) {
    return new HostScalars(capacity, false);
  }

  /**
   * The process-wide {@link #keeping} cache's scalar for {@code value}, never closed; null once
   * {@value #SHARED_CAPACITY} values are held (then pass the number itself).
   */
  public static NDArray shared(float value) {
    return SHARED.of(value);
  }

  /**
   * The CPU scalar holding {@code value} rounded to float32, as {@code array.mul(float)} would;
   * null only from a full {@link #keeping} cache.
   */
  public synchronized NDArray of(double value) {
    float f = (float) value;
    int bits = Float.floatToRawIntBits(f);
    NDArray cached = byBits.get(bits);
    if (cached == null) {
      if (!evicts && byBits.size() >= capacity) {
        return null;
      }
      if (manager == null) {
        manager = NDManager.newBaseManager(Device.cpu());
      }
      cached = manager.full(new Shape(), f, DataType.FLOAT32);
      byBits.put(bits, cached);
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
