package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Optional;
import org.distill4j.config.Amp;
import org.distill4j.config.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * The thread's precision scope, and what bf16 on a CPU without bfloat16 instructions is told
 * (refused or warned about).
 */
class AutocastTest {
  @Test
  void scopesNestAndRestoreAndStayOnTheirThread() throws Exception {
    assertEquals(Amp.NONE, Autocast.current());
    try (Autocast outer = Autocast.scope(Amp.BF16)) {
      assertEquals(Amp.BF16, Autocast.current());
      Amp[] other = new Amp[1];
      Thread t = new Thread(() -> other[0] = Autocast.current());
      t.start();
      t.join();
      assertEquals(Amp.NONE, other[0], "another thread is not in this scope");
      try (Autocast inner = Autocast.scope(Amp.NONE)) {
        assertEquals(Amp.NONE, Autocast.current());
      }
      assertEquals(Amp.BF16, Autocast.current());
      outer.close();
      assertEquals(Amp.NONE, Autocast.current());
    }
    assertEquals(Amp.NONE, Autocast.current(), "closing twice changes nothing");
  }

  @Test
  void bf16IsRefusedWhereLibtorchHasNoOneDnnKernelAndWarnedAboutWhereEmulated() {
    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () -> Autocast.onCpu("amp", Bf16OnCpu.REFERENCE_KERNEL, Optional.empty()));
    String line = refused.getMessage();
    assertFalse(line.contains("\n"), "one line");
    assertTrue(line.startsWith("amp: bf16 on this CPU: libtorch has no oneDNN bfloat16"), line);
    assertTrue(line.contains(Autocast.REFERENCE_KERNEL_SLOWDOWN), line);
    assertTrue(line.endsWith("use amp: none"), line);

    Optional<Bf16OnCpu.IsaLimit> avx2 =
        Optional.of(new Bf16OnCpu.IsaLimit("ONEDNN_MAX_CPU_ISA", "AVX2"));
    String teacher =
        assertThrows(
                ConfigException.class,
                () -> Autocast.onCpu("teacher_amp", Bf16OnCpu.REFERENCE_KERNEL, avx2))
            .getMessage();
    assertTrue(teacher.startsWith("teacher_amp: bf16 on this CPU"), teacher);
    assertTrue(teacher.contains("(they need AVX-512; ONEDNN_MAX_CPU_ISA=AVX2 is set)"), teacher);
    assertTrue(teacher.endsWith("use teacher_amp: none"), teacher);

    String warning = Autocast.onCpu("amp", Bf16OnCpu.EMULATED, Optional.empty()).orElseThrow();
    assertTrue(warning.contains("without bfloat16 instructions"), warning);
    assertTrue(warning.contains(Autocast.EMULATED_SLOWDOWN), warning);
    assertTrue(warning.endsWith("amp: none is faster"), warning);
    assertEquals(Optional.empty(), Autocast.onCpu("amp", Bf16OnCpu.NATIVE, avx2));
    assertEquals(Optional.empty(), Autocast.onCpu("amp", Bf16OnCpu.UNKNOWN, Optional.empty()));
  }

  @Test
  void theCpuIsAskedAboutOnlyForBf16OnTheCpu() {
    assertTrue(Autocast.onCpu(Device.cpu()));
    assertTrue(Autocast.onCpu(Device.gpu(0), Device.cpu()), "data parallel with the CPU");
    assertFalse(Autocast.onCpu(Device.gpu(0), Device.gpu(1)));
    // Neither asks this machine's CPU, so neither can be refused or warned about on any machine.
    assertEquals(Optional.empty(), Autocast.requireUsable("amp", Amp.BF16, Device.gpu(0)));
    assertEquals(Optional.empty(), Autocast.requireUsable("amp", Amp.NONE, Device.cpu()));
  }

  @Test
  void frozenWeightsAreRoundedOnceAndHandedOutOnlyInsideTheirScope() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray w = manager.randomNormal(new Shape(4, 3, 3, 3));
      NDArray other = manager.randomNormal(new Shape(4));
      FrozenWeights frozen = new FrozenWeights();
      assertSame(w, Autocast.convWeight(w), "outside a frozen scope the weight itself");
      try (Autocast scope = Autocast.scope(Amp.BF16, frozen)) {
        NDArray copy = Autocast.convWeight(w);
        assertTrue(Autocast.isBf16(copy), "a bfloat16 copy");
        assertSame(copy, Autocast.convWeight(w), "made once, then handed out again");
        assertArrayEquals(
            ScriptedOps.get().toFloat32(ScriptedOps.get().toBfloat16(w)).toFloatArray(),
            ScriptedOps.get().toFloat32(copy).toFloatArray());
        Autocast.convWeight(other);
        assertEquals(2, frozen.bf16Count());
        try (Autocast inner = Autocast.scope(Amp.BF16)) {
          assertSame(w, Autocast.convWeight(w), "a nested scope without copies rounds per call");
        }
        assertSame(copy, Autocast.convWeight(w), "the outer scope's copies again");
      }
      assertSame(w, Autocast.convWeight(w), "closing the scope ends the copies' use");
      assertEquals(2, frozen.bf16Count());
    }
  }

  @Test
  void bf16IsAvailableWithThePyTorchEngine() {
    Autocast.requireAvailable(Amp.BF16);
    Autocast.requireAvailable(Amp.NONE);
  }
}
