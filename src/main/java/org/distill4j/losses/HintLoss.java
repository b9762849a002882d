package org.distill4j.losses;

import ai.djl.ndarray.NDArray;
import org.distill4j.config.ConfigMap;

/**
 * FitNets' hint loss (Romero et al., 2015): the mean squared error between student and teacher
 * features over all N·C·H·W elements,
 *
 * <pre>
 * loss = mean((s − t)²)
 * </pre>
 *
 * <p>Registered as both {@code HintLoss} and {@code L2Loss} (the same loss; {@link #name()} is the
 * spelling the config used). Unlike MMRazor's {@code L2Loss} there is no normalisation of the
 * features. Student and teacher must have the same shape (put a connector in front of the student
 * when channels differ); the labels are ignored. No config keys.
 */
public final class HintLoss implements DistillLoss {
  private final String name;

  public HintLoss() {
    this("HintLoss");
  }

  private HintLoss(String name) {
    this.name = name;
  }

  /** Builds from {@code {type: HintLoss}} or {@code {type: L2Loss}}; there are no other keys. */
  public static HintLoss fromConfig(ConfigMap config) {
    config.requireKnownKeys();
    return new HintLoss("L2Loss".equals(config.optString("type", "")) ? "L2Loss" : "HintLoss");
  }

  @Override
  public String name() {
    return name;
  }

  /** {@inheritDoc} The labels are ignored. */
  @Override
  public NDArray evaluate(NDArray student, NDArray teacher, NDArray labelsOrNull) {
    DistillLoss.checkSameShape(name(), student, teacher);
    return student.sub(teacher).square().mean();
  }
}
