package org.distill4j.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.distill4j.engine.Bf16OnCpu;

/** What tests that run bf16 on the CPU assume of this machine. */
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
}
