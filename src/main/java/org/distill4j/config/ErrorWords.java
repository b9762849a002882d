package org.distill4j.config;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns an exception into words a user can act on, without Java class names: the JDK's file
 * exceptions carry only a path as their message ({@code NoSuchFileException: data/x.png}), so
 * printing the message alone would say nothing, and printing the exception names a class. Here they
 * become "no such file or directory: data/x.png", "permission denied: ...", "disk full (no space
 * left on device)" and so on.
 */
public final class ErrorWords {
  /** A Java class name in a message ({@code NoSuchFileException}, {@code java.lang...}). */
  public static final Pattern CLASS_NAME =
      Pattern.compile("[A-Z][a-zA-Z]+(Exception|Error)\\b|\\bjava\\.|\\bjavax\\.");

  private ErrorWords() {}

  /**
   * One line that says what went wrong: the first I/O problem in the cause chain in words, else the
   * first line of the message, else a generic phrase; never a class name.
   */
  public static String describe(Throwable e) {
    // "cannot read history file h.csv" around an I/O cause: keep the context, add the cause.
    String own = firstLine(e.getMessage());
    if (!(e instanceof IOException)
        && e.getCause() instanceof IOException cause
        && own != null
        && !own.isBlank()
        && !CLASS_NAME.matcher(own).find()) {
      return own + ": " + describe(cause);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException io && !(t.getCause() instanceof IOException)) {
        return io(io);
      }
      if (t == t.getCause()) {
        break;
      }
    }
    if (e instanceof OutOfMemoryError) {
      return "out of memory (raise the Java heap with JAVA_OPTS=-Xmx..., or lower batch_size)";
    }
    if (e instanceof StackOverflowError) {
      return "the Java stack overflowed (bin/distill4j runs Java with -Xss4m; pass a larger -Xss)";
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = firstLine(t.getMessage());
      if (m != null && !m.isBlank() && !CLASS_NAME.matcher(m).find()) {
        return m;
      }
      if (t == t.getCause()) {
        break;
      }
    }
    return "an internal error with no message (a bug: run again with --debug and report the trace)";
  }

  /** An I/O exception in words, naming the file it concerns when the exception knows it. */
  public static String io(IOException e) {
    if (e instanceof NoSuchFileException f) {
      return "no such file or directory: " + f.getFile();
    }
    if (e instanceof AccessDeniedException f) {
      return "permission denied: " + f.getFile();
    }
    if (e instanceof FileAlreadyExistsException f) {
      return "already exists: " + f.getFile();
    }
    if (e instanceof DirectoryNotEmptyException f) {
      return "directory not empty: " + f.getFile();
    }
    if (e instanceof NotDirectoryException f) {
      return "not a directory: " + f.getFile();
    }
    if (e instanceof FileSystemLoopException f) {
      return "symbolic links loop at " + f.getFile();
    }
    if (e instanceof CharacterCodingException) {
      return "the text is not valid UTF-8";
    }
    if (e instanceof EOFException) {
      return "the file ends too early (truncated?)" + suffix(e.getMessage());
    }
    if (e instanceof FileSystemException f) {
      String reason = reason(f.getReason());
      String file = f.getFile();
      return (file == null ? "" : file + ": ") + (reason == null ? "cannot be used" : reason);
    }
    String m = firstLine(e.getMessage());
    if (e instanceof FileNotFoundException && m != null && m.endsWith(")")) {
      // "path (No such file or directory)", as java.io reports it.
      int open = m.lastIndexOf(" (");
      if (open > 0) {
        return m.substring(0, open) + ": " + reason(m.substring(open + 2, m.length() - 1));
      }
    }
    if (m == null || m.isBlank() || CLASS_NAME.matcher(m).find()) {
      return "an input/output error";
    }
    return reason(m);
  }

  /** The operating system's reason in lower case, with "disk full" for a full device. */
  private static String reason(String r) {
    if (r == null) {
      return null;
    }
    String lower = r.toLowerCase(Locale.ROOT);
    if (lower.contains("no space left")) {
      return "disk full (no space left on device)";
    }
    if (lower.contains("disk quota")) {
      return "disk quota exceeded";
    }
    return lower.length() > 1
            && Character.isUpperCase(r.charAt(0))
            && !Character.isUpperCase(r.charAt(1))
        ? Character.toLowerCase(r.charAt(0)) + r.substring(1)
        : r;
  }

  private static String suffix(String message) {
    String m = firstLine(message);
    return m == null || m.isBlank() || CLASS_NAME.matcher(m).find() ? "" : ": " + m;
  }

  private static String firstLine(String m) {
    if (m == null) {
      return null;
    }
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }
}
