package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ErrorWords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunProvenanceTest {
  private static RunProvenance of(long seed, Device... devices) {
    TrainingOptions options =
        TrainingOptions.builder().setIters(10).setBatchSize(2).optSeed(seed).build();
    return RunProvenance.of(options, devices, "iters: 10\n", Map.of("config", "a.yml"));
  }

  @Test
  void writtenAndReadBack(@TempDir Path dir) throws IOException {
    of(7, Device.cpu()).write(dir, 4);
    RunProvenance p = RunProvenance.read(dir).orElseThrow();
    assertEquals(7, p.seed());
    assertEquals(10, p.iters());
    assertEquals(2, p.batchSize());
    assertEquals("cpu()", p.devices());
    assertEquals("a.yml", p.note("config").orElseThrow());
    assertEquals(RunProvenance.sha256("iters: 10\n"), p.configSha256());
    assertTrue(p.summary().startsWith("[PROVENANCE] iteration 4 of 10, seed 7"), p.summary());
    assertEquals(3, p.summary().lines().count(), p.summary());
  }

  @Test
  void theBuildRecordsTheProjectVersion() {
    // Written by the build (maven-antrun-plugin); the commit is "unknown" where git is absent.
    String version = RunProvenance.codeVersion().get("version").getAsString();
    assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
    String commit = RunProvenance.codeVersion().get("commit").getAsString();
    assertTrue(commit.equals("unknown") || commit.matches("[0-9a-f]{7,40}"), commit);
  }

  @Test
  void anotherNumberOfDevicesOrSeedContradictsTheCheckpoint(@TempDir Path dir) {
    RunProvenance stored = of(7, Device.cpu(), Device.cpu());
    ConfigException devices =
        assertThrows(ConfigException.class, () -> stored.checkResume(of(7, Device.cpu()), dir));
    assertTrue(
        devices
            .getMessage()
            .startsWith("--devices cpu() contradicts the checkpoint's devices" + " cpu(),cpu()"),
        devices.getMessage());
    ConfigException seed =
        assertThrows(
            ConfigException.class,
            () -> stored.checkResume(of(3, Device.cpu(), Device.cpu()), dir));
    assertTrue(
        seed.getMessage().startsWith("--seed 3 contradicts the checkpoint's seed 7 ("),
        seed.getMessage());
    stored.checkResume(of(7, Device.cpu(), Device.cpu()), dir);
  }

  @Test
  void aFileThatIsNotProvenanceIsOneLine(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve(RunProvenance.FILE_NAME), "{\"x\": 1}");
    assertEquals(
        dir.resolve(RunProvenance.FILE_NAME) + ": not a distill4j provenance file (no seed)",
        assertThrows(ConfigException.class, () -> RunProvenance.read(dir)).getMessage());
    Files.writeString(dir.resolve(RunProvenance.FILE_NAME), "{\"seed\": ");
    String broken = assertThrows(ConfigException.class, () -> RunProvenance.read(dir)).getMessage();
    assertTrue(broken.contains("cannot be read"), broken);
    assertTrue(!ErrorWords.CLASS_NAME.matcher(broken).find(), broken);
  }
}
