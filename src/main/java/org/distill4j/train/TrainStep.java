package org.distill4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.distill4j.data.loader.Batch;

/**
 * One training iteration's work on a batch: forward (with the objective's taps), losses, backward
 * and the parameter update. {@link SingleDeviceStep} runs it on one device, {@link
 * DataParallelStep} on shards.
 */
interface TrainStep {
  /**
   * @return the scalar value of every loss term
   * @throws NonFiniteLossException before backward, when a term is NaN or infinite
   */
  Map<String, Double> run(
      ParameterStore parameters, NDManager trainManager, Batch batch, int iteration);

  /** The scalar value of every term; a non-finite one throws {@link NonFiniteLossException}. */
  static Map<String, Double> checkedValues(Map<String, NDArray> terms, int iteration) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : terms.entrySet()) {
      double v = e.getValue().getFloat();
      if (!Double.isFinite(v)) {
        throw new NonFiniteLossException(e.getKey(), v, iteration);
      }
      values.put(e.getKey(), v);
    }
    return values;
  }
}
