package org.distill4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The value of a {@link LossMix}: the total to back-propagate and each weighted term ({@code coef_i
 * * loss_i}, as PaddleSeg logs {@code loss_<i>}), with the term names for logging.
 *
 * @param total the sum of the terms, a differentiable scalar
 * @param terms the weighted terms, in config order
 * @param names the type name of each term
 */
public record LossResult(NDArray total, List<NDArray> terms, List<String> names) {

  public LossResult {
    terms = List.copyOf(terms);
    names = List.copyOf(names);
  }

  /** The total as a Java number (copies it from the device). */
  public double totalValue() {
    return total.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
  }

  /** Each weighted term as a Java number (copies them from the device). */
  public double[] termValues() {
    double[] values = new double[terms.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = terms.get(i).toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }
    return values;
  }
}
