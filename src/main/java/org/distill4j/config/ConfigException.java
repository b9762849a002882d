package org.distill4j.config;

import org.distill4j.errors.Distill4jException;

/**
 * A problem with user input: a config value, a command-line flag, a path the user named. The
 * message is one line that says what is wrong, where (file and key path, or flag), and what would
 * be valid. The CLI prints it without a stack trace and exits with code 2.
 *
 * <p>The user-input kind of {@link Distill4jException}; data files, numerical faults and damaged
 * saved files have their own kinds in {@code org.distill4j.errors}.
 */
public class ConfigException extends Distill4jException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
