package org.distill4j.train;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import org.distill4j.losses.LossMix;

/** Plain supervised training: the config's {@code loss} mix against the labels. */
public final class SupervisedObjective implements TrainingObjective {
  private final LossMix loss;

  public SupervisedObjective(LossMix loss) {
    this.loss = loss;
  }

  @Override
  public Map<String, NDArray> compute(Step step) {
    Map<String, NDArray> terms = new LinkedHashMap<>();
    terms.put(TOTAL, loss.total(step.outputs(), step.labels()));
    return terms;
  }
}
