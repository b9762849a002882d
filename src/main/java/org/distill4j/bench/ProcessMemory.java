package org.distill4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory from {@code /proc/self/status} (Linux): the Java heap, PyTorch's
 * native allocations and everything else together, which is what a machine runs out of.
 */
public final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessMemory() {}

  /** Resident set size now, in MiB; -1 where /proc is not available. */
  public static double residentMiB() {
    return field("VmRSS:");
  }

  /** Peak resident set size so far, in MiB; -1 where /proc is not available. */
  public static double peakResidentMiB() {
    return field("VmHWM:");
  }

  private static double field(String name) {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(name)) {
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
