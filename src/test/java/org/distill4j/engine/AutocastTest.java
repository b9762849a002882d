package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Optional;
import org.distill4j.config.Amp;
import org.junit.jupiter.api.Test;

/** The thread's precision scope, and the warning for CPUs without bfloat16 instructions. */
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
  void warnsOnlyForBf16OnACpuWithoutBf16Instructions() {
    String without = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512bw\n";
    String avx512 = "flags\t\t: fpu avx512f avx512_bf16 avx512_vnni\n";
    String amx = "flags\t\t: fpu amx_bf16 amx_tile\n";
    Optional<String> warning = Autocast.cpuWarning(Amp.BF16, without);
    assertTrue(warning.orElseThrow().contains("no bfloat16 instructions"), warning.toString());
    assertEquals(Optional.empty(), Autocast.cpuWarning(Amp.BF16, avx512));
    assertEquals(Optional.empty(), Autocast.cpuWarning(Amp.BF16, amx));
    assertEquals(Optional.empty(), Autocast.cpuWarning(Amp.NONE, without));
    assertEquals(Optional.empty(), Autocast.cpuWarning(Amp.BF16, "no flags line\n"));
  }

  @Test
  void theWarningIsForRunsOnTheCpuOnly() {
    assertTrue(Autocast.onCpu(Device.cpu()));
    assertTrue(Autocast.onCpu(Device.gpu(0), Device.cpu()), "data parallel with the CPU");
    assertFalse(Autocast.onCpu(Device.gpu(0), Device.gpu(1)));
    assertEquals(Optional.empty(), Autocast.cpuWarning(Amp.BF16, Device.gpu(0)));
    assertEquals(Optional.empty(), Autocast.cpuWarning(Amp.NONE, Device.cpu()));
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
