package org.distill4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A copy of every parameter that no gradient updates (BatchNorm's running mean and variance), taken
 * before a step that may be skipped. A forward pass in training mode moves those statistics even
 * when its loss turns out NaN; putting the copies back leaves the model as it was before the batch.
 * The copies live in their own sub-manager, freed by {@link #close()}.
 */
final class RunningStatsSnapshot implements AutoCloseable {
  private static final NDIndex ALL = new NDIndex("...");
  private final NDManager manager;
  private final List<NDArray[]> pairs = new ArrayList<>();

  private RunningStatsSnapshot(NDManager manager) {
    this.manager = manager;
  }

  /** Copies the non-trainable parameters of {@code blocks} into a sub-manager of {@code parent}. */
  static RunningStatsSnapshot of(NDManager parent, Collection<Block> blocks) {
    RunningStatsSnapshot snapshot = new RunningStatsSnapshot(parent.newSubManager());
    for (Block block : blocks) {
      for (Pair<String, Parameter> pair : block.getParameters()) {
        Parameter p = pair.getValue();
        if (!p.requiresGradient() && p.isInitialized()) {
          NDArray live = p.getArray();
          NDArray copy = live.duplicate();
          copy.attach(snapshot.manager);
          snapshot.pairs.add(new NDArray[] {live, copy});
        }
      }
    }
    return snapshot;
  }

  /** Number of arrays copied. */
  int size() {
    return pairs.size();
  }

  /** Writes the copies back into the live arrays, in place. */
  void restore() {
    for (NDArray[] pair : pairs) {
      pair[0].set(ALL, pair[1]);
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
