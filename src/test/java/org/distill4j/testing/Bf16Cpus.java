package org.distill4j.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distill4j.engine.Bf16OnCpu;

/** What tests that run bf16 on the CPU know and assume of this machine. */
public final class Bf16Cpus {
  private Bf16Cpus() {}

  /**
   * Skips the calling test where a bf16 run on this CPU is refused (libtorch has no oneDNN bfloat16
   * convolutions: a CPU without AVX-512); the refusal itself is tested on any x86 machine by {@code
   * cli.Bf16WithoutBf16InstructionsTest}.
   */
  public static void assumeBf16RunsHere() {
    assumeTrue(
        Bf16OnCpu.here() != Bf16OnCpu.REFERENCE_KERNEL,
        "bf16 is refused on this CPU (no oneDNN bfloat16 convolutions)");
  }

  /** True on an x86-64 JVM (where oneDNN's instruction-set limit applies). */
  public static boolean x86() {
    String arch = System.getProperty("os.arch");
    return arch.equals("amd64") || arch.equals("x86_64");
  }

  /**
   * The first {@code flags} line of {@code /proc/cpuinfo} with a space at each end, so that {@code
   * contains(" avx512f ")} asks for one flag; empty where there is none.
   */
  public static String cpuFlags() throws IOException {
    Path cpuInfo = Path.of("/proc/cpuinfo");
    if (!Files.isReadable(cpuInfo)) {
      return "";
    }
    return " "
        + Files.readString(cpuInfo)
            .lines()
            .filter(l -> l.startsWith("flags"))
            .findFirst()
            .orElse("")
        + " ";
  }

  /** True when the CPU has oneDNN's AVX512_CORE level: AVX-512 F, BW, VL and DQ. */
  public static boolean avx512Core() throws IOException {
    String flags = cpuFlags();
    return List.of(" avx512f ", " avx512bw ", " avx512vl ", " avx512dq ").stream()
        .allMatch(flags::contains);
  }
}
