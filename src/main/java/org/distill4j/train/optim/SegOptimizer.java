package org.distill4j.train.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.engine.HostScalars;
import org.distill4j.engine.ScriptedOps;

/**
 * An optimizer with Paddle/PyTorch update rules, driven by a parameter server ({@link
 * SegParameterServer} in distill4j's trainer, DJL's own under DJL's {@code Trainer.step()}), which
 * calls {@link #update} once per trainable parameter. The training loop sets the learning rate
 * before each step, usually from a {@link LearningRateSchedule} at {@link #stepCount()}:
 *
 * <pre>{@code
 * optimizer.setLearningRate(schedule.learningRate(optimizer.stepCount()));
 * trainer.step();
 * }</pre>
 *
 * <p>Per-parameter state (momentum, moments) is created lazily on the parameter's device and lives
 * in managers owned by this optimizer, closed by {@link #close()}; each update's temporaries live
 * in a sub-manager closed at the end of the update. The weight is changed in place and its stored
 * gradient is zeroed afterwards, as DJL's own optimizers do on the PyTorch engine. Gradient
 * rescaling and clipping options of DJL's builder are not used.
 *
 * <p>{@link #saveState} / {@link #loadState} persist the state; call {@link #nameParameters} first
 * so that it is keyed by stable parameter names rather than per-process ids.
 */
public abstract class SegOptimizer extends Optimizer implements AutoCloseable {
  /** An update uses at most seven numbers (Adam with weight decay): room for two steps' worth. */
  private final HostScalars hostScalars = HostScalars.bounded(16);

  private final Map<Device, NDManager> stateManagers = new LinkedHashMap<>();
  private final Map<String, Map<Device, ParamState>> live = new LinkedHashMap<>();
  private final Map<String, String> idToName = new HashMap<>();
  private final OptimizerState restored = new OptimizerState(this);
  private double learningRate = Double.NaN;
  private int stepCount;

  protected SegOptimizer() {
    super(new DefaultOptions());
  }

  /** The config type name, e.g. {@code Momentum}. */
  public abstract String name();

  /** Names of the per-parameter state buffers, each shaped like the parameter. */
  protected abstract String[] bufferNames();

  /**
   * Updates {@code weight} in place. All arrays created here are freed after the call. {@code grad}
   * belongs to this update and may be overwritten: {@link SegParameterServer} hands every update a
   * gradient nothing reads afterwards, and so does DJL's own parameter server on one device (on
   * several it passes one gradient to every copy's update, so use {@code SegParameterServer}).
   *
   * @param buffers this parameter's state, updated in place
   * @param t the 1-based number of updates of this parameter, including this one
   * @param lr the learning rate of this step
   */
  protected abstract void apply(NDArray weight, NDArray grad, NDArray[] buffers, int t, double lr);

  /** Sets the learning rate used by the following updates. */
  public void setLearningRate(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
    }
    this.learningRate = lr;
  }

  public double getLearningRate() {
    return learningRate;
  }

  /** Optimizer steps taken so far (restored by {@link #loadState}). */
  public int stepCount() {
    return stepCount;
  }

  /**
   * Keys the saved state by the block's parameter names (e.g. {@code 01Linear_weight}), which are
   * stable across processes, instead of DJL's random parameter ids.
   */
  public void nameParameters(Block block) {
    nameParameters("", block);
  }

  /** As {@link #nameParameters(Block)}, with {@code prefix} before each name (for extra blocks). */
  public void nameParameters(String prefix, Block block) {
    for (Pair<String, Parameter> pair : block.getParameters()) {
      idToName.put(pair.getValue().getId(), prefix + pair.getKey());
    }
  }

  @Override
  public final void update(String parameterId, NDArray weight, NDArray grad) {
    double lr = learningRateForUpdate();
    boolean recording = GradSupport.pause(weight);
    try {
      ParamState state = stateFor(parameterId, weight);
      try (NDManager scope = stateManager(weight.getDevice()).newSubManager()) {
        scope.tempAttachAll(weight, grad);
        scope.tempAttachAll(state.buffers);
        apply(weight, grad, state.buffers, state.steps + 1, lr);
      }
      state.steps++;
      GradSupport.zeroGradient(weight);
      synchronized (this) {
        stepCount = Math.max(stepCount, state.steps);
      }
    } finally {
      GradSupport.restore(weight, recording);
    }
  }

  /**
   * Updates several parameters of one device at once: the same result as {@link #update} on each in
   * turn, in one call to the engine where the optimizer has a grouped form ({@link
   * #appliesToGroups}), else parameter by parameter.
   *
   * @param parameterIds the parameters' ids, as {@link #update} takes them
   * @param weights their arrays on one device, updated in place
   * @param grads their gradients, owned by this update as in {@link #update}
   */
  public final void updateAll(
      List<String> parameterIds, List<NDArray> weights, List<NDArray> grads) {
    int n = parameterIds.size();
    if (weights.size() != n || grads.size() != n) {
      throw new IllegalArgumentException("ids, weights and grads differ in length");
    }
    if (n == 0) {
      return;
    }
    if (!appliesToGroups() || !ScriptedOps.accepts(weights) || !ScriptedOps.accepts(grads)) {
      for (int i = 0; i < n; i++) {
        update(parameterIds.get(i), weights.get(i), grads.get(i));
      }
      return;
    }
    double lr = learningRateForUpdate();
    boolean recording = GradSupport.pause(weights.get(0));
    try {
      List<ParamState> states = new ArrayList<>(n);
      List<NDArray[]> buffers = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ParamState state = stateFor(parameterIds.get(i), weights.get(i));
        states.add(state);
        buffers.add(state.buffers);
      }
      applyGroup(weights, grads, buffers, lr);
      int most = 0;
      for (int i = 0; i < n; i++) {
        ParamState state = states.get(i);
        state.steps++;
        most = Math.max(most, state.steps);
        GradSupport.zeroGradient(weights.get(i));
      }
      synchronized (this) {
        stepCount = Math.max(stepCount, most);
      }
    } finally {
      GradSupport.restore(weights.get(0), recording);
    }
  }

  /**
   * True when {@link #applyGroup} is implemented and usable here; false (the default) makes {@link
   * #updateAll} update parameter by parameter.
   */
  protected boolean appliesToGroups() {
    return false;
  }

  /**
   * Updates a group of weights in place with the same result as {@link #apply} on each; called only
   * when {@link #appliesToGroups} is true.
   *
   * @param buffers each parameter's state, updated in place
   */
  protected void applyGroup(
      List<NDArray> weights, List<NDArray> grads, List<NDArray[]> buffers, double lr) {
    throw new UnsupportedOperationException(name() + " has no grouped update");
  }

  private double learningRateForUpdate() {
    if (Double.isNaN(learningRate)) {
      throw new IllegalStateException(name() + ": call setLearningRate before the first step");
    }
    return learningRate;
  }

  /** Writes the state to {@code file} atomically (temporary file, then move). */
  public synchronized void saveState(java.nio.file.Path file) throws java.io.IOException {
    // Sorted by name: the update order follows per-process parameter ids, and the same state
    // should give the same file in every process.
    Map<String, ParamState> byKey = new java.util.TreeMap<>(restored.pending());
    for (Map.Entry<String, Map<Device, ParamState>> entry : live.entrySet()) {
      byKey.put(key(entry.getKey()), entry.getValue().values().iterator().next());
    }
    restored.write(file, byKey, stepCount);
  }

  /**
   * Replaces the state with the one saved in {@code file}; buffers move to each parameter's device
   * at its next update.
   *
   * @throws org.distill4j.config.ConfigException when the file is missing, unreadable, from another
   *     optimizer type, or names parameters the model lacks
   */
  public synchronized void loadState(java.nio.file.Path file) {
    OptimizerState.Loaded loaded =
        restored.read(file, idToName.isEmpty() ? null : idToName.values());
    clearLive();
    stepCount = loaded.stepCount();
  }

  /** Frees all state. */
  /**
   * {@code value} as a float32 scalar for an update's arithmetic ({@code weight.mul(scalar(wd))}
   * instead of {@code weight.mul((float) wd)}): the same result, without a new tensor on the
   * parameter's device per call (see {@link org.distill4j.engine.HostScalars}).
   */
  protected final NDArray scalar(double value) {
    return hostScalars.of(value);
  }

  @Override
  public synchronized void close() {
    hostScalars.close();
    clearLive();
    restored.close();
    for (NDManager manager : stateManagers.values()) {
      manager.close();
    }
    stateManagers.clear();
  }

  /** Number of arrays held as optimizer state (for memory checks). */
  synchronized int liveStateArrays() {
    int count = 0;
    for (NDManager manager : stateManagers.values()) {
      count += manager.getManagedArrays().size();
    }
    return count;
  }

  private String key(String parameterId) {
    return idToName.getOrDefault(parameterId, parameterId);
  }

  private synchronized NDManager stateManager(Device device) {
    return stateManagers.computeIfAbsent(device, NDManager::newBaseManager);
  }

  private synchronized ParamState stateFor(String parameterId, NDArray weight) {
    Map<Device, ParamState> perDevice =
        live.computeIfAbsent(parameterId, k -> new LinkedHashMap<>());
    Device device = weight.getDevice();
    ParamState state = perDevice.get(device);
    if (state != null) {
      return state;
    }
    NDManager manager = stateManager(device);
    ParamState source =
        perDevice.isEmpty()
            ? restored.take(key(parameterId), weight.getShape())
            : perDevice.values().iterator().next();
    String[] names = bufferNames();
    NDArray[] buffers = new NDArray[names.length];
    for (int i = 0; i < names.length; i++) {
      if (source == null) {
        buffers[i] = manager.zeros(weight.getShape(), weight.getDataType(), device);
      } else {
        // A real copy: on the same device toDevice(copy) returns an alias of the source, whose
        // memory may be a Java buffer read from the state file and freed once it is collected.
        NDArray from = source.buffers[i];
        buffers[i] =
            from.getDevice().equals(device) ? from.duplicate() : from.toDevice(device, true);
        buffers[i].attach(manager);
      }
    }
    state = new ParamState(buffers, source == null ? 0 : source.steps);
    if (source != null && perDevice.isEmpty()) {
      source.close();
    }
    perDevice.put(device, state);
    return state;
  }

  private void clearLive() {
    for (Map<Device, ParamState> perDevice : live.values()) {
      for (ParamState state : perDevice.values()) {
        state.close();
      }
    }
    live.clear();
  }

  /** One parameter's buffers and update count on one device. */
  static final class ParamState implements AutoCloseable {
    final NDArray[] buffers;
    int steps;

    ParamState(NDArray[] buffers, int steps) {
      this.buffers = buffers;
      this.steps = steps;
    }

    @Override
    public void close() {
      for (NDArray buffer : buffers) {
        buffer.close();
      }
    }
  }

  /** DJL's optimizer base needs a builder; its options stay at their neutral defaults. */
  private static final class DefaultOptions extends OptimizerBuilder<DefaultOptions> {
    @Override
    protected DefaultOptions self() {
      return this;
    }
  }
}
