package org.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code amp} key and {@code --amp} flag: what is accepted, and one line for the rest. */
class AmpTest {
  @Test
  void namesAreReadAsWrittenOrInAnyCase() {
    assertEquals(Amp.BF16, Amp.parse("bf16", "x"));
    assertEquals(Amp.BF16, Amp.parse(" BF16 ", "x"));
    assertEquals(Amp.NONE, Amp.parse("none", "x"));
    assertEquals(Amp.NONE, Amp.parse(null, "x"), "absent or YAML null");
    assertEquals(Amp.NONE, Amp.parse(false, "x"), "YAML off / no / false");
  }

  @Test
  void everythingElseIsRefusedInOneLineSayingWhatToWrite() {
    String fp16 =
        assertThrows(ConfigException.class, () -> Amp.parse("fp16", "a.yml: amp")).getMessage();
    assertTrue(fp16.startsWith("a.yml: amp: 'fp16' (float16) is not supported"), fp16);
    assertTrue(fp16.endsWith("use bf16 (same range as float32, no scaling) or none"), fp16);
    String typo =
        assertThrows(ConfigException.class, () -> Amp.parse("bf61", "--amp")).getMessage();
    assertEquals("--amp: unknown value 'bf61' (did you mean bf16?); use one of none, bf16", typo);
    String fp32 =
        assertThrows(ConfigException.class, () -> Amp.parse("fp32", "--amp")).getMessage();
    assertEquals("--amp: 'fp32': write none for float32 training", fp32);
    String on = assertThrows(ConfigException.class, () -> Amp.parse(true, "--amp")).getMessage();
    assertTrue(on.startsWith("--amp: unknown value 'true'"), on);
    for (String message : new String[] {fp16, typo, fp32, on}) {
      assertFalse(message.contains("\n"), message);
    }
  }

  @Test
  void theConfigKeyIsKnownValidatedAndSetByTheOverride(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.yml");
    Files.writeString(file, "iters: 3\namp: bf16\n");
    SegConfig seg = new SegConfig(ConfigLoader.load(file).root());
    assertEquals(Amp.BF16, seg.amp());
    assertFalse(
        seg.warnings().stream().anyMatch(w -> w.contains("amp")), seg.warnings().toString());
    Files.writeString(file, "iters: 3\namp: fp16\n");
    ConfigException bad =
        assertThrows(
            ConfigException.class, () -> new SegConfig(ConfigLoader.load(file).root()).amp());
    assertTrue(bad.getMessage().startsWith(file + ": amp: 'fp16' (float16)"), bad.getMessage());
    Files.writeString(file, "iters: 3\n");
    assertEquals(Amp.NONE, new SegConfig(ConfigLoader.load(file).root()).amp());
    Map<String, Object> overrides = Overrides.of(null, null, null, "BF16");
    assertEquals(Map.of("amp", "bf16"), overrides);
    assertEquals(Amp.BF16, new SegConfig(ConfigLoader.load(file, overrides).root()).amp());
    assertThrows(ConfigException.class, () -> Overrides.of(null, null, null, "half"));
  }

  @Test
  void theTeacherKeyIsKnownValidatedAndIndependentOfAmp(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.yml");
    Files.writeString(file, "iters: 3\nteacher_amp: bf16\n");
    SegConfig seg = new SegConfig(ConfigLoader.load(file).root());
    assertEquals(Amp.BF16, seg.teacherAmp());
    assertEquals(Amp.NONE, seg.amp(), "the student's precision is its own key");
    assertFalse(
        seg.warnings().stream().anyMatch(w -> w.contains("teacher_amp")),
        seg.warnings().toString());
    Files.writeString(file, "iters: 3\namp: bf16\n");
    assertEquals(Amp.NONE, new SegConfig(ConfigLoader.load(file).root()).teacherAmp());
    Files.writeString(file, "iters: 3\nteacher_amp: bf61\n");
    ConfigException typo =
        assertThrows(
            ConfigException.class,
            () -> new SegConfig(ConfigLoader.load(file).root()).teacherAmp());
    assertEquals(
        file + ": teacher_amp: unknown value 'bf61' (did you mean bf16?); use one of none, bf16",
        typo.getMessage());
  }
}
