package org.distill4j.errors;

/**
 * Training produced a value that cannot be used (NaN or infinity); the step stopped before it
 * changed any weight. The message names the term, the iteration and what to change.
 */
public class NumericalFaultException extends Distill4jException {
  private static final long serialVersionUID = 1L;

  public NumericalFaultException(String message) {
    super(message);
  }
}
