package org.distill4j.losses;

import ai.djl.ndarray.NDArray;
import org.distill4j.config.ConfigMap;

/**
 * The mean absolute error between student and teacher features over all N·C·H·W elements,
 *
 * <pre>
 * loss = mean(|s − t|)
 * </pre>
 *
 * <p>The gradient at {@code s = t} is taken as 0. Student and teacher must have the same shape; the
 * labels are ignored. No config keys.
 */
public final class L1Loss implements DistillLoss {

  public L1Loss() {}

  /** Builds from {@code {type: L1Loss}}; there are no other keys. */
  public static L1Loss fromConfig(ConfigMap config) {
    config.requireKnownKeys();
    return new L1Loss();
  }

  @Override
  public String name() {
    return "L1Loss";
  }

  /** {@inheritDoc} The labels are ignored. */
  @Override
  public NDArray evaluate(NDArray student, NDArray teacher, NDArray labelsOrNull) {
    DistillLoss.checkSameShape(name(), student, teacher);
    return student.sub(teacher).abs().mean();
  }
}
