package org.distill4j.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How libtorch computes bfloat16 convolutions on this machine's CPU, and so what {@code amp: bf16}
 * costs there. Three cases differ by an order of magnitude (measured on one AVX-512 CPU with the
 * instruction set oneDNN may use lowered by {@code ONEDNN_MAX_CPU_ISA}; docs/performance.md, "bf16
 * on CPUs without bfloat16 instructions"): oneDNN's kernels with the CPU's bfloat16 instructions,
 * faster than float32; oneDNN's kernels on AVX-512 without them, which convert in software, slower
 * than float32; and, on a CPU without AVX-512, no oneDNN kernel at all: libtorch's own reference
 * convolution, tens of times slower than float32.
 *
 * <p>Decided from libtorch's own answer ({@link ScriptedOps#onednnBf16OnCpu()}), the CPU's flags
 * ({@code /proc/cpuinfo}) and the instruction-set limit oneDNN reads from the environment. Only
 * libtorch's answer refuses: where it cannot answer (a libtorch without the operator), the flags
 * tell native from emulated and nothing is refused.
 */
public enum Bf16OnCpu {
  /** oneDNN's kernels with bfloat16 instructions (AVX512_BF16 or AMX): faster than float32. */
  NATIVE,
  /**
   * oneDNN's kernels on AVX-512 without bfloat16 instructions (the CPU lacks them, or {@code
   * ONEDNN_MAX_CPU_ISA} keeps oneDNN from them): slower than float32.
   */
  EMULATED,
  /**
   * No oneDNN bfloat16 kernels (a CPU without AVX-512, or {@code ONEDNN_MAX_CPU_ISA} below it):
   * libtorch's reference convolution, tens of times slower than float32.
   */
  REFERENCE_KERNEL,
  /** Not known (libtorch cannot say and the CPU cannot be inspected): nothing is said. */
  UNKNOWN;

  /**
   * The variables oneDNN reads its instruction-set limit from, the first one set winning (oneDNN
   * 3's name, then its older one).
   */
  static final String[] ISA_LIMIT_VARIABLES = {"ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"};

  private static final Path CPU_INFO = Path.of("/proc/cpuinfo");

  /** The answer for this process, worked out on first use. */
  private static final class Here {
    static final Bf16OnCpu VALUE = here(System.getenv());
  }

  /**
   * This machine's case (worked out once per process: the CPU and the environment do not change).
   */
  public static Bf16OnCpu here() {
    return Here.VALUE;
  }

  private static Bf16OnCpu here(Map<String, String> env) {
    ScriptedOps kernels = ScriptedOps.get();
    Optional<Boolean> libtorch = kernels == null ? Optional.empty() : kernels.onednnBf16OnCpu();
    String cpuInfo = null;
    if (Files.isReadable(CPU_INFO)) {
      try {
        cpuInfo = Files.readString(CPU_INFO, StandardCharsets.UTF_8);
      } catch (IOException e) {
        cpuInfo = null; // not inspectable: the flags say nothing
      }
    }
    return classify(libtorch, cpuInfo, env);
  }

  /**
   * The case for libtorch's answer ({@link ScriptedOps#onednnBf16OnCpu()}; empty where it cannot
   * say), the text of a {@code /proc/cpuinfo} (null where there is none) and the environment.
   */
  static Bf16OnCpu classify(
      Optional<Boolean> libtorchOneDnnBf16, String cpuInfo, Map<String, String> env) {
    if (libtorchOneDnnBf16.isPresent() && !libtorchOneDnnBf16.get()) {
      return REFERENCE_KERNEL;
    }
    Optional<String> flags = cpuFlags(cpuInfo);
    if (flags.isEmpty()) {
      return UNKNOWN; // not Linux, or not x86 (an ARM cpuinfo has "Features", not "flags")
    }
    if (!flags.get().contains(" avx512_bf16 ") && !flags.get().contains(" amx_bf16 ")) {
      return EMULATED;
    }
    return isaLimit(env).filter(limit -> !reachesBf16(limit.isa())).isPresent() ? EMULATED : NATIVE;
  }

  /**
   * An instruction-set limit for oneDNN set in the environment.
   *
   * @param variable the variable that sets it ({@link #ISA_LIMIT_VARIABLES})
   * @param isa its value, upper case
   */
  record IsaLimit(String variable, String isa) {
    @Override
    public String toString() {
      return variable + "=" + isa;
    }
  }

  /** The instruction-set limit oneDNN reads from {@code env}; empty where none is set. */
  static Optional<IsaLimit> isaLimit(Map<String, String> env) {
    for (String name : ISA_LIMIT_VARIABLES) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return Optional.of(new IsaLimit(name, value.trim().toUpperCase(Locale.ROOT)));
      }
    }
    return Optional.empty();
  }

  /**
   * oneDNN's {@code ONEDNN_MAX_CPU_ISA} levels below AVX512_CORE_BF16: no bfloat16 instructions.
   */
  private static final Set<String> LEVELS_WITHOUT_BF16 =
      Set.of("SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2", "AVX512_CORE", "AVX512_CORE_VNNI");

  /**
   * True when oneDNN limited to {@code isa} may use bfloat16 instructions: any value but the levels
   * below AVX512_CORE_BF16. A value oneDNN does not know (a typo) limits nothing there, so it
   * limits nothing here either.
   */
  static boolean reachesBf16(String isa) {
    return !LEVELS_WITHOUT_BF16.contains(isa);
  }

  /** The first {@code flags} line's flags, space-separated with a space at each end. */
  private static Optional<String> cpuFlags(String cpuInfo) {
    if (cpuInfo == null) {
      return Optional.empty();
    }
    for (String line : cpuInfo.split("\n")) {
      if (line.startsWith("flags") && line.indexOf(':') > 0) {
        return Optional.of(" " + line.substring(line.indexOf(':') + 1).trim() + " ");
      }
    }
    return Optional.empty();
  }
}
