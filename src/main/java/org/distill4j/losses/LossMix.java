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
 * A weighted sum of segmentation losses built from a PaddleSeg {@code loss:} section:
 *
 * <pre>
 * loss:
 *   types: [{type: CrossEntropyLoss}]
 *   coef: [1]
 * </pre>
 *
 * <p>As in PaddleSeg, the i-th loss is applied to the i-th model output (DeepLabV3P has one); a
 * single type with several coefs is repeated for every coef. The total is {@code sum_i coef_i *
 * loss_i(logits_i, labels)}.
 */
public final class LossMix {
  private final List<SegLoss> losses;
  private final double[] coef;
  private final String location;

  /**
   * @param losses one loss per model output
   * @param coef the weight of each loss
   */
  public LossMix(List<? extends SegLoss> losses, double[] coef) {
    this(losses, coef, "loss");
  }

  private LossMix(List<? extends SegLoss> losses, double[] coef, String location) {
    if (losses.size() != coef.length) {
      throw new IllegalArgumentException(
          "LossMix: " + losses.size() + " losses but " + coef.length + " coefs");
    }
    this.losses = List.copyOf(losses);
    this.coef = coef.clone();
    this.location = location;
  }

  /** A single loss with coef 1. */
  public static LossMix of(SegLoss loss) {
    return new LossMix(List.of(loss), new double[] {1.0});
  }

  /** Builds the mix from a section with {@code types} (list of mappings) and {@code coef}. */
  public static LossMix fromConfig(ConfigMap section, Registry<? extends SegLoss> registry) {
    section.requireKnownKeys("types", "coef");
    List<ConfigMap> typeConfigs = section.getMapList("types");
    double[] coef = section.getDoubleArray("coef");
    checkLengths(section, typeConfigs.size(), coef.length);
    List<SegLoss> losses = new ArrayList<>();
    for (ConfigMap typeConfig : typeConfigs) {
      losses.add(registry.build(typeConfig));
    }
    while (losses.size() < coef.length) {
      losses.add(losses.get(0));
    }
    String location = section.file() + ": " + section.childPath("coef");
    return new LossMix(losses, coef, location);
  }

  /** PaddleSeg's rule: as many types as coefs, or one type used for every coef. */
  static void checkLengths(ConfigMap section, int types, int coefs) {
    if (types == 0) {
      throw section.error("types", "is empty; give at least one loss");
    }
    if (coefs == 0) {
      throw section.error("coef", "is empty; give one coef per loss type, e.g. [1]");
    }
    if (types != coefs && types != 1) {
      throw section.error(
          "coef",
          "has "
              + coefs
              + " entries but "
              + section.childPath("types")
              + " has "
              + types
              + "; give one coef per loss type");
    }
  }

  public int size() {
    return losses.size();
  }

  public List<SegLoss> losses() {
    return losses;
  }

  public double[] coef() {
    return coef.clone();
  }

  /** The total loss and its weighted terms for the model outputs {@code logits}. */
  public LossResult evaluate(NDList logits, NDArray labels) {
    if (logits.size() != losses.size()) {
      throw new ConfigException(
          location
              + ": has "
              + losses.size()
              + " entries but the model returned "
              + logits.size()
              + " logits; PaddleSeg pairs the i-th loss with the i-th output, so give one per output");
    }
    List<NDArray> terms = new ArrayList<>();
    List<String> names = new ArrayList<>();
    NDArray total = null;
    for (int i = 0; i < losses.size(); i++) {
      NDArray term = OwnedArrays.mul(losses.get(i).evaluate(logits.get(i), labels), coef[i]);
      terms.add(term);
      names.add(losses.get(i).name());
      total = total == null ? term : total.add(term);
    }
    return new LossResult(total, terms, names);
  }

  /** The total loss only. */
  public NDArray total(NDList logits, NDArray labels) {
    return evaluate(logits, labels).total();
  }
}
