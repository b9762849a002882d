package org.distill4j.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.train.optim.SegOptimizer;
import org.distill4j.train.optim.SegParameterServer;

/**
 * The parameter store of a training run: in a training forward pass each trainable parameter is
 * read as a fresh autograd leaf that shares the parameter's memory, and {@link
 * #updateAllParameters()} hands those leaves' gradients to the optimizer and drops the leaves.
 *
 * <p>Why: a parameter that keeps its gradient from step to step must have it zeroed after every
 * update and then has each new gradient added into it, two extra passes over the model's size per
 * step (about 400 MB of memory traffic for the 27 M-parameter teacher). A leaf that has never had a
 * gradient simply takes the one backward computes, as PyTorch does after {@code
 * zero_grad(set_to_none=True)}. The optimizer still writes into the parameter itself, so every
 * reader outside training (evaluation, checkpoints, inference) sees one array as before.
 *
 * <p>Parameters that need no gradient (BatchNorm's running statistics) and every read outside
 * training return the stored array itself. Within one step, repeated reads of a parameter on one
 * device (the shards of a data-parallel step, a block used twice) return the same leaf, so their
 * gradients add up. A parameter not read during a step is not updated in it. The leaves belong to
 * the store's manager; {@link #discardStep()} drops them without an update (a skipped batch).
 */
final class StepParameterStore extends ParameterStore {
  private final SegParameterServer server;
  private final Device[] devices;
  private final Map<Device, Integer> deviceIndex = new LinkedHashMap<>();

  /** The parameters read in this step, by id, with their copies and this step's leaves. */
  private final Map<String, StepLeaves> leaves = new LinkedHashMap<>();

  /** One parameter's stored copy and leaf on each device (null where not read). */
  private static final class StepLeaves {
    final Parameter parameter;
    final NDArray[] stored;
    final NDArray[] leaf;

    StepLeaves(Parameter parameter, int devices) {
      this.parameter = parameter;
      this.stored = new NDArray[devices];
      this.leaf = new NDArray[devices];
    }
  }

  /**
   * @param devices the devices holding a copy of every parameter, the first holding the model's own
   *     arrays (see {@link DataParallelStep#inStoreOrder})
   */
  StepParameterStore(NDManager manager, SegOptimizer optimizer, Device[] devices) {
    super(manager, false);
    this.server = new SegParameterServer(optimizer);
    setParameterServer(server, devices);
    this.devices = devices.clone();
    for (int i = 0; i < devices.length; i++) {
      deviceIndex.put(devices[i], i);
    }
  }

  @Override
  public NDArray getValue(Parameter parameter, Device device, boolean training) {
    NDArray stored = super.getValue(parameter, device, training);
    if (!training || parameter == null || !parameter.requiresGradient()) {
      return stored;
    }
    int k = deviceIndex.get(device);
    StepLeaves entry =
        leaves.computeIfAbsent(parameter.getId(), id -> new StepLeaves(parameter, devices.length));
    if (entry.leaf[k] == null) {
      NDArray leaf = stored.stopGradient();
      leaf.attach(getManager());
      leaf.setRequiresGradient(true);
      entry.stored[k] = stored;
      entry.leaf[k] = leaf;
    }
    return entry.leaf[k];
  }

  /**
   * Updates every parameter read in this step with its leaves' gradients, then drops the leaves.
   */
  @Override
  public void updateAllParameters() {
    List<String> ids = new ArrayList<>(leaves.size());
    List<NDArray[]> grads = new ArrayList<>(leaves.size());
    List<NDArray[]> params = new ArrayList<>(leaves.size());
    try {
      for (Map.Entry<String, StepLeaves> e : leaves.entrySet()) {
        StepLeaves entry = e.getValue();
        NDArray[] g = new NDArray[devices.length];
        grads.add(g);
        for (int k = 0; k < devices.length; k++) {
          if (entry.leaf[k] == null) {
            // A copy no shard read in this step still takes the step, with a zero gradient.
            entry.stored[k] = super.getValue(entry.parameter, devices[k], true);
            g[k] = entry.stored[k].zerosLike();
          } else {
            g[k] = entry.leaf[k].getGradient();
          }
        }
        ids.add(e.getKey());
        params.add(entry.stored);
      }
      server.updateAll(ids, grads, params);
    } finally {
      for (NDArray[] g : grads) {
        for (NDArray a : g) {
          if (a != null) {
            a.close();
          }
        }
      }
      discardStep();
    }
  }

  /** Drops this step's leaves (and any gradient they hold) without updating anything. */
  void discardStep() {
    for (StepLeaves entry : leaves.values()) {
      for (NDArray leaf : entry.leaf) {
        if (leaf != null) {
          leaf.close();
        }
      }
    }
    leaves.clear();
  }
}
