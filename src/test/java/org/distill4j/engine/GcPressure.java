package org.distill4j.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a garbage collection happen and hands the memory it freed straight back out, filled with a
 * marker value. Called between a forward and a backward pass it exposes any operand the autograd
 * graph kept whose memory belonged to a Java object already dropped: backward then reads the marker
 * instead of the operand.
 */
public final class GcPressure {
  /** Written into every reclaimed buffer; far from any value a test expects. */
  public static final float MARKER = 1e30f;

  private static final List<ByteBuffer> HELD = new ArrayList<>();

  private GcPressure() {}

  /** Collects garbage (direct buffers included) and re-allocates small buffers over it. */
  public static void collectAndReuseFreedMemory() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        // Direct buffers are freed by the reference handler after the collection, not during it.
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    synchronized (HELD) {
      HELD.clear();
      for (int i = 0; i < 200; i++) {
        ByteBuffer b = ByteBuffer.allocateDirect(4 * (1 + i % 8)).order(ByteOrder.nativeOrder());
        while (b.remaining() >= 4) {
          b.putFloat(MARKER);
        }
        HELD.add(b);
      }
    }
  }
}
