package org.distill4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.Registry;
import org.distill4j.engine.OwnedArrays;

/**
 * A weighted sum of distillation losses from a PaddleSeg {@code distill_loss:} section, e.g. {@code
 * {types: [{type: KLLoss}], coef: [3]}}: {@code sum_i coef_i * loss_i(student_i, teacher_i,
 * labels)}, pairing the i-th loss with the i-th student and teacher outputs.
 */
public final class DistillLossMix {
  private final List<DistillLoss> losses;
  private final double[] coef;
  private final String location;

  public DistillLossMix(List<? extends DistillLoss> losses, double[] coef) {
    this(losses, coef, "distill_loss.coef");
  }

  private DistillLossMix(List<? extends DistillLoss> losses, double[] coef, String location) {
    if (losses.size() != coef.length) {
      throw new IllegalArgumentException(
          "DistillLossMix: " + losses.size() + " losses but " + coef.length + " coefs");
    }
    this.losses = List.copyOf(losses);
    this.coef = coef.clone();
    this.location = location;
  }

  /** Builds the mix from a section with {@code types} and {@code coef}. */
  public static DistillLossMix fromConfig(
      ConfigMap section, Registry<? extends DistillLoss> registry) {
    section.requireKnownKeys("types", "coef");
    List<ConfigMap> typeConfigs = section.getMapList("types");
    double[] coef = section.getDoubleArray("coef");
    LossMix.checkLengths(section, typeConfigs.size(), coef.length);
    List<DistillLoss> losses = new ArrayList<>();
    for (ConfigMap typeConfig : typeConfigs) {
      losses.add(registry.build(typeConfig));
    }
    while (losses.size() < coef.length) {
      losses.add(losses.get(0));
    }
    return new DistillLossMix(losses, coef, section.file() + ": " + section.childPath("coef"));
  }

  public int size() {
    return losses.size();
  }

  public List<DistillLoss> losses() {
    return losses;
  }

  public double[] coef() {
    return coef.clone();
  }

  /** The total and weighted terms; {@code labels} may be null. */
  public LossResult evaluate(NDList student, NDList teacher, NDArray labels) {
    if (student.size() != losses.size() || teacher.size() != losses.size()) {
      throw new ConfigException(
          location
              + ": has "
              + losses.size()
              + " entries but the student returned "
              + student.size()
              + " and the teacher "
              + teacher.size()
              + " outputs; give one distillation loss per output pair");
    }
    List<NDArray> terms = new ArrayList<>();
    List<String> names = new ArrayList<>();
    NDArray total = null;
    for (int i = 0; i < losses.size(); i++) {
      DistillLoss loss = losses.get(i);
      NDArray term =
          OwnedArrays.mul(loss.evaluate(student.get(i), teacher.get(i), labels), coef[i]);
      terms.add(term);
      names.add(loss.name());
      total = total == null ? term : total.add(term);
    }
    return new LossResult(total, terms, names);
  }
}
