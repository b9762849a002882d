package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.distill4j.config.ConfigException;
import org.junit.jupiter.api.Test;

class EngineCheckTest {
  @Test
  void missingNativesNameTheMavenProfiles() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                EngineCheck.ensureReady(
                    () -> {
                      throw new UnsatisfiedLinkError("libtorch.so: cannot open shared object");
                    }));
    String m = e.getMessage();
    assertTrue(m.contains("libtorch.so") && m.contains("mvn package"), m);
    assertTrue(m.contains("-Ponline") && m.contains("-Pcu118"), m);
    assertTrue(m.lines().count() == 1, m);
  }

  @Test
  void theBundledCpuEngineIsReady() {
    // The offline CPU natives on the test classpath must load without any download.
    assertDoesNotThrow(() -> EngineCheck.ensureReady());
  }
}
