package org.distill4j.errors;

/**
 * A data file that cannot be used: an image or label that is missing, cannot be decoded, or does
 * not fit its partner (sizes, label values). The message names the file.
 */
public class DataException extends Distill4jException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
