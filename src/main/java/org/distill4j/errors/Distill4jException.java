package org.distill4j.errors;

/**
 * The base of every failure distill4j reports to a user in one line: a config or flag that is wrong
 * ({@link org.distill4j.config.ConfigException}), a data file that cannot be used ({@link
 * DataException}), a numerical fault during training ({@link NumericalFaultException}), or a saved
 * file that is damaged ({@link CheckpointException}).
 *
 * <p>The message says what is wrong, where, and what would fix it, without Java class names. The
 * command line prints it after {@code error: } and exits with code 2; anything else that escapes a
 * command is a bug or an environment failure and exits with code 1. Catch this class to handle
 * every reported failure the same way; catch a subclass to handle one kind.
 */
public abstract class Distill4jException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected Distill4jException(String message) {
    super(message);
  }

  protected Distill4jException(String message, Throwable cause) {
    super(message, cause);
  }
}
