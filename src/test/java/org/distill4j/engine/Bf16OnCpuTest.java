package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distill4j.testing.Bf16Cpus;
import org.junit.jupiter.api.Test;

/** Which of the three ways libtorch computes bfloat16 on a CPU applies, from what it is told. */
class Bf16OnCpuTest {
  private static final String SKYLAKE =
      "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512dq avx512bw avx512vl\n";
  private static final String WITH_AVX512_BF16 =
      "flags\t\t: fpu avx2 avx512f avx512dq avx512bw avx512vl avx512_bf16 avx512_vnni\n";
  private static final String WITH_AMX = "flags\t\t: fpu avx512f amx_bf16 amx_tile\n";
  private static final Map<String, String> NO_LIMIT = Map.of();

  @Test
  void libtorchWithoutOneDnnBf16ComputesWithItsReferenceKernelWhateverTheFlags() {
    for (String cpu : List.of(SKYLAKE, WITH_AVX512_BF16, "no flags line\n")) {
      assertEquals(
          Bf16OnCpu.REFERENCE_KERNEL, Bf16OnCpu.classify(Optional.of(false), cpu, NO_LIMIT), cpu);
    }
    assertEquals(
        Bf16OnCpu.REFERENCE_KERNEL, Bf16OnCpu.classify(Optional.of(false), null, NO_LIMIT));
  }

  @Test
  void theCpuFlagsTellNativeFromEmulated() {
    for (Optional<Boolean> libtorch : List.of(Optional.of(true), Optional.<Boolean>empty())) {
      assertEquals(Bf16OnCpu.EMULATED, Bf16OnCpu.classify(libtorch, SKYLAKE, NO_LIMIT));
      assertEquals(Bf16OnCpu.NATIVE, Bf16OnCpu.classify(libtorch, WITH_AVX512_BF16, NO_LIMIT));
      assertEquals(Bf16OnCpu.NATIVE, Bf16OnCpu.classify(libtorch, WITH_AMX, NO_LIMIT));
      // No flags to read (not Linux; an ARM cpuinfo lists "Features"): nothing is said.
      assertEquals(Bf16OnCpu.UNKNOWN, Bf16OnCpu.classify(libtorch, null, NO_LIMIT));
      assertEquals(
          Bf16OnCpu.UNKNOWN, Bf16OnCpu.classify(libtorch, "Features\t: fp asimd bf16\n", NO_LIMIT));
    }
  }

  @Test
  void anInstructionSetLimitBelowBf16MakesNativeKernelsEmulated() {
    Optional<Boolean> yes = Optional.of(true);
    assertEquals(
        Bf16OnCpu.EMULATED,
        Bf16OnCpu.classify(yes, WITH_AVX512_BF16, Map.of("ONEDNN_MAX_CPU_ISA", "avx512_core")));
    assertEquals(
        Bf16OnCpu.EMULATED,
        Bf16OnCpu.classify(yes, WITH_AMX, Map.of("DNNL_MAX_CPU_ISA", "AVX512_CORE_VNNI")));
    assertEquals(
        Bf16OnCpu.NATIVE,
        Bf16OnCpu.classify(
            yes, WITH_AVX512_BF16, Map.of("ONEDNN_MAX_CPU_ISA", "AVX512_CORE_BF16")));
    assertEquals(
        Bf16OnCpu.NATIVE,
        Bf16OnCpu.classify(yes, WITH_AVX512_BF16, Map.of("ONEDNN_MAX_CPU_ISA", " ")),
        "a blank variable is no limit");
    // oneDNN 3 reads its own name first.
    assertEquals(
        Bf16OnCpu.NATIVE,
        Bf16OnCpu.classify(
            yes,
            WITH_AVX512_BF16,
            Map.of("ONEDNN_MAX_CPU_ISA", "ALL", "DNNL_MAX_CPU_ISA", "AVX2")));
    assertEquals(
        Optional.of(new Bf16OnCpu.IsaLimit("DNNL_MAX_CPU_ISA", "AVX2")),
        Bf16OnCpu.isaLimit(Map.of("DNNL_MAX_CPU_ISA", "avx2")));
    assertEquals(
        "ONEDNN_MAX_CPU_ISA=AVX2", new Bf16OnCpu.IsaLimit("ONEDNN_MAX_CPU_ISA", "AVX2") + "");
  }

  @Test
  void onlyOneDnnLevelsBelowAvx512CoreBf16KeepItFromBf16Instructions() {
    for (String below :
        List.of(
            "SSE41",
            "AVX",
            "AVX2",
            "AVX2_VNNI",
            "AVX2_VNNI_2",
            "AVX512_CORE",
            "AVX512_CORE_VNNI")) {
      assertFalse(Bf16OnCpu.reachesBf16(below), below);
    }
    for (String reaching :
        List.of(
            "AVX512_CORE_BF16",
            "AVX512_CORE_FP16",
            "AVX10_1_512",
            "AVX512_CORE_AMX",
            "AVX10_1_512_AMX",
            "AVX512_CORE_AMX_FP16",
            "ALL",
            "DEFAULT",
            "AVX512_CORE_BFF")) {
      assertTrue(Bf16OnCpu.reachesBf16(reaching), reaching);
    }
    // oneDNN ignores a value it does not know: no warning for a typo on a CPU with bf16.
    assertEquals(
        Bf16OnCpu.NATIVE,
        Bf16OnCpu.classify(
            Optional.of(true), WITH_AVX512_BF16, Map.of("ONEDNN_MAX_CPU_ISA", "AVX512_CORR")));
  }

  /**
   * libtorch's own answer on this machine follows its rule on x86: oneDNN's bfloat16 kernels where
   * the CPU has AVX-512 (F, BW, VL and DQ, oneDNN's AVX512_CORE), none where it has not.
   */
  @Test
  void libtorchAnswersAsItsRuleSaysOnThisMachine() throws Exception {
    String flags = Bf16Cpus.cpuFlags();
    assumeTrue(flags.contains(" flags"), "no /proc/cpuinfo flags");
    assumeTrue(Bf16Cpus.x86(), "the rule is x86's");
    assumeTrue(Bf16OnCpu.isaLimit(System.getenv()).isEmpty(), "an instruction-set limit is set");
    // Newer oneDNN also accepts AVX2 with VNNI-2 (avx_ne_convert): not part of the rule checked.
    assumeTrue(!flags.contains(" avx_ne_convert"), "a CPU with AVX-NE-CONVERT");
    boolean avx512Core = Bf16Cpus.avx512Core();
    ScriptedOps kernels = ScriptedOps.get();
    assertNotNull(kernels, ScriptedOps::unavailableReason);
    assertEquals(Optional.of(avx512Core), kernels.onednnBf16OnCpu(), flags);
    Bf16OnCpu here = Bf16OnCpu.here();
    assertEquals(avx512Core, here != Bf16OnCpu.REFERENCE_KERNEL, here.toString());
  }
}
