package org.distill4j.train;

import org.distill4j.errors.NumericalFaultException;

/** A loss term was NaN or infinite; the step stopped before its backward pass and update. */
public final class NonFiniteLossException extends NumericalFaultException {
  private final String term;
  private final double value;
  private final int iteration;

  NonFiniteLossException(String term, double value, int iteration) {
    super(
        "loss term '"
            + term
            + "' is "
            + value
            + " at iteration "
            + iteration
            + "; lower the learning rate or check the labels (values must be class indices or 255),"
            + " or pass --skip_nonfinite to skip such batches");
    this.term = term;
    this.value = value;
    this.iteration = iteration;
  }

  /** The name of the first non-finite term, e.g. {@code out_distill_loss}. */
  public String term() {
    return term;
  }

  public double value() {
    return value;
  }

  /** The 1-based iteration of the batch. */
  public int iteration() {
    return iteration;
  }
}
