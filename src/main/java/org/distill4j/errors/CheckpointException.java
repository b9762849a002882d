package org.distill4j.errors;

/**
 * A saved file that is damaged or not what it claims to be: a checkpoint whose files are missing or
 * do not match their checksums, an optimizer state, weights file or teacher-output cache that is
 * truncated or of another format. The message names the file and what to use instead.
 */
public class CheckpointException extends Distill4jException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
