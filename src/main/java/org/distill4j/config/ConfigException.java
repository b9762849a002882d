package org.distill4j.config;

/**
 * A problem with user input: a config value, a data file, a checkpoint. The message is one line
 * that says what is wrong, where (file and key path, or file name), and what would be valid. The
 * CLI prints it without a stack trace and exits with code 2.
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
