package org.distill4j.models.taps;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The tap names of one model and the recorder currently listening to it. Every block of the model
 * holds the same hub; a block publishes its output (or any tensor it computes) under its dotted
 * path, and the hub passes it to the attached {@link TapListener}, which keeps it only when it
 * asked for that name. With no listener attached, publishing is one null check.
 *
 * <p>Names are declared while the model is built, in the order the forward pass produces them, so
 * {@link #names()} lists them in forward order without running the model.
 */
public final class TapHub {
  private final Set<String> declared = new LinkedHashSet<>();
  private TapListener recorder;

  /** Declares a tap name; names must be unique within a model. */
  public void declare(String name) {
    if (!declared.add(name)) {
      throw new IllegalStateException("tap name declared twice: " + name);
    }
  }

  /** All declared names, in forward order. */
  public List<String> names() {
    return Collections.unmodifiableList(new ArrayList<>(declared));
  }

  public boolean isDeclared(String name) {
    return declared.contains(name);
  }

  /**
   * Hands {@code value} to the attached recorder if it asked for {@code name}. The tensor is not
   * copied or detached: it stays in the graph and in the manager of the forward pass.
   */
  public void publish(String name, NDArray value) {
    TapListener r = recorder;
    if (r != null) {
      r.offer(name, value);
    }
  }

  /**
   * Moves the recorded tensors that live in {@code from} (a block's inference scope about to close)
   * to {@code to}, so they outlive the block that made them.
   */
  void keepRecorded(NDManager from, NDManager to) {
    TapListener r = recorder;
    if (r != null) {
      r.moveOut(from, to);
    }
  }

  /** True when a recorder is attached; blocks may skip computing optional tensors otherwise. */
  public boolean isRecording() {
    return recorder != null;
  }

  /** Makes {@code r} receive the published tensors, replacing any listener attached before. */
  public void attach(TapListener r) {
    recorder = r;
  }

  /** Stops passing published tensors on. */
  public void detach() {
    recorder = null;
  }
}
