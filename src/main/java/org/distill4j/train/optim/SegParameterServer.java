package org.distill4j.train.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterServer;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes each parameter's gradient to a {@link SegOptimizer} without copying it.
 *
 * <p>DJL's own parameter server clones every gradient before the update, because DJL's optimizers
 * zero the gradient array they are handed; for a model of 27 M parameters that clone reads and
 * writes 200 MB every step. A {@code SegOptimizer} zeroes the weight's own gradient only after it
 * has updated that weight, so with one copy of the parameters the gradient is used as it is.
 *
 * <p>With a copy of the parameters on each of several devices, the other devices' gradients are
 * added into the first device's, every other copy is updated with its own device's copy of that
 * sum, and the first copy last, with the sum itself: every copy takes the same step.
 */
public final class SegParameterServer implements ParameterServer {
  private final SegOptimizer optimizer;

  public SegParameterServer(SegOptimizer optimizer) {
    this.optimizer = optimizer;
  }

  @Override
  public void init(String parameterId, NDArray[] value) {
    // State is created lazily by the optimizer, on each copy's device.
  }

  @Override
  public void update(String parameterId, NDArray[] grads, NDArray[] params) {
    NDArray sum = grads[0];
    for (int i = 1; i < grads.length; i++) {
      try (NDArray onFirst = copyTo(grads[i], sum.getDevice())) {
        sum.addi(onFirst);
      }
    }
    for (int i = 1; i < params.length; i++) {
      try (NDArray own = copyTo(sum, params[i].getDevice())) {
        optimizer.update(parameterId, params[i], own);
      }
    }
    optimizer.update(parameterId, params[0], sum);
  }

  /**
   * {@link #update} for many parameters at once, with the optimizer's grouped update ({@link
   * SegOptimizer#updateAll}) on each device: the same sums, the same steps, every other device's
   * copies first and the first device's last (its update overwrites the summed gradients).
   *
   * @param grads for each parameter, its gradient on each device
   * @param params for each parameter, its copy on each device
   */
  public void updateAll(List<String> parameterIds, List<NDArray[]> grads, List<NDArray[]> params) {
    int n = parameterIds.size();
    if (n == 0) {
      return;
    }
    int devices = params.get(0).length;
    List<NDArray> sums = new ArrayList<>(n);
    for (NDArray[] g : grads) {
      NDArray sum = g[0];
      for (int i = 1; i < g.length; i++) {
        try (NDArray onFirst = copyTo(g[i], sum.getDevice())) {
          sum.addi(onFirst);
        }
      }
      sums.add(sum);
    }
    for (int k = 1; k < devices; k++) {
      List<NDArray> weights = new ArrayList<>(n);
      List<NDArray> own = new ArrayList<>(n);
      try {
        for (int j = 0; j < n; j++) {
          weights.add(params.get(j)[k]);
          own.add(copyTo(sums.get(j), params.get(j)[k].getDevice()));
        }
        optimizer.updateAll(parameterIds, weights, own);
      } finally {
        own.forEach(NDArray::close);
      }
    }
    List<NDArray> first = new ArrayList<>(n);
    for (NDArray[] p : params) {
      first.add(p[0]);
    }
    optimizer.updateAll(parameterIds, first, sums);
  }

  /**
   * A separate copy of {@code array} on {@code device} (DJL's copying move may alias on one
   * device).
   */
  private static NDArray copyTo(NDArray array, Device device) {
    return array.getDevice().equals(device) ? array.duplicate() : array.toDevice(device, true);
  }

  @Override
  public void close() {
    // Nothing held: the optimizer owns its state.
  }
}
