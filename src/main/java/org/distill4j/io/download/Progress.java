package org.distill4j.io.download;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A download progress bar on standard error. On a terminal it redraws one line in place; otherwise
 * (logs, CI) it prints a line at each 10% so a log does not fill with updates.
 */
final class Progress {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final String label;
  private final long total;
  private final boolean terminal;
  private int lastStep = -1;
  private long lastDrawNanos;

  Progress(PrintStream out, String label, long total, boolean terminal) {
    this.out = out;
    this.label = label;
    this.total = total;
    this.terminal = terminal;
  }

  static Progress toStandardError(String label, long total) {
    return new Progress(System.err, label, total, System.console() != null);
  }

  void update(long bytes) {
    if (terminal) {
      long now = System.nanoTime();
      if (now - lastDrawNanos > 100_000_000L) {
        lastDrawNanos = now;
        out.print("\r" + line(bytes));
        out.flush();
      }
      return;
    }
    int step = total > 0 ? (int) (bytes * 10 / total) : (int) (bytes >> 23); // 8 MiB steps
    if (step > lastStep) {
      lastStep = step;
      out.println(line(bytes));
    }
  }

  void done(long bytes) {
    if (terminal) {
      out.println("\r" + line(bytes));
    } else if (total <= 0 || lastStep < 10) {
      out.println(line(bytes));
    }
  }

  String line(long bytes) {
    if (total <= 0) {
      return String.format(Locale.ROOT, "%s %s", label, size(bytes));
    }
    int filled = (int) (WIDTH * Math.min(bytes, total) / total);
    return String.format(
        Locale.ROOT,
        "%s [%s%s] %s / %s %3d%%",
        label,
        "=".repeat(filled),
        " ".repeat(WIDTH - filled),
        size(bytes),
        size(total),
        (int) (100 * Math.min(bytes, total) / total));
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }
}
