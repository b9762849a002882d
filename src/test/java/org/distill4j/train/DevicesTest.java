package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.List;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.SegConfig;
import org.junit.jupiter.api.Test;

/** Device specs from the flag and the config, against an injected GPU count and environment. */
class DevicesTest {
  private static final Devices FOUR_GPUS = new Devices(4, null, "unused");
  private static final Devices CPU_ONLY = new Devices(0, null, "no CUDA GPU was found");

  private static Device[] gpus(int... ids) {
    Device[] out = new Device[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Device.gpu(ids[i]);
    }
    return out;
  }

  private static SegConfig config(Object devices) {
    return new SegConfig(new ConfigMap(Map.of("devices", devices), "", "s.yml"));
  }

  @Test
  void specsNameVisibleGpus() {
    assertArrayEquals(new Device[] {Device.cpu()}, FOUR_GPUS.parse("cpu"));
    assertArrayEquals(gpus(0, 1, 2, 3), FOUR_GPUS.parse("gpu"));
    assertArrayEquals(gpus(0, 1), FOUR_GPUS.parse("gpu:0,1"));
    assertArrayEquals(gpus(0, 1), FOUR_GPUS.parse("0,1"));
    assertArrayEquals(gpus(2), FOUR_GPUS.parse("2"));
    assertArrayEquals(gpus(1, 3), FOUR_GPUS.parse(" GPU1, gpu3 "));
    assertArrayEquals(gpus(0, 2), FOUR_GPUS.parse("gpu:0,gpu:2"));
    // Ascending whatever the order given: the first is where the model's parameters live.
    assertArrayEquals(gpus(1, 3), FOUR_GPUS.parse("gpu:3,1"));
  }

  @Test
  void autoMeansEveryGpuElseCpu() {
    assertArrayEquals(gpus(0, 1, 2, 3), FOUR_GPUS.parse("auto"));
    assertArrayEquals(gpus(0, 1, 2, 3), FOUR_GPUS.resolve(null, null));
    assertArrayEquals(new Device[] {Device.cpu()}, CPU_ONLY.parse("auto"));
    assertArrayEquals(new Device[] {Device.cpu()}, CPU_ONLY.resolve(null, null));
  }

  @Test
  void flagWinsOverConfigAndConfigOverDefault() {
    assertArrayEquals(new Device[] {Device.cpu()}, FOUR_GPUS.resolve("cpu", config("gpu:1")));
    assertArrayEquals(gpus(1), FOUR_GPUS.resolve(null, config("gpu:1")));
    assertArrayEquals(gpus(0, 2), FOUR_GPUS.resolve(null, config(List.of(2, 0))));
    assertArrayEquals(gpus(3), FOUR_GPUS.resolve(null, config(3)));
    SegConfig none = new SegConfig(new ConfigMap(Map.of("iters", 1), "", "s.yml"));
    assertArrayEquals(gpus(0, 1, 2, 3), FOUR_GPUS.resolve(null, none));
  }

  @Test
  void devicesIsAKnownConfigKey() {
    assertTrue(SegConfig.KNOWN_TOP_LEVEL_KEYS.contains(Devices.CONFIG_KEY));
    assertEquals(List.of(), config("cpu").unknownTopLevelKeys());
  }

  @Test
  void tooManyGpusListsTheVisibleOnes() {
    Devices twoVisible = new Devices(2, "3,5", "unused");
    ConfigException e = assertThrows(ConfigException.class, () -> twoVisible.parse("0,1,2"));
    assertEquals(
        "--devices: asks for gpu:2 but 2 GPUs are visible (gpu:0 = physical GPU 3, gpu:1 ="
            + " physical GPU 5, CUDA_VISIBLE_DEVICES=3,5); indices count the visible GPUs from 0",
        e.getMessage());
    ConfigException fromConfig =
        assertThrows(ConfigException.class, () -> twoVisible.resolve(null, config("gpu:4")));
    assertTrue(
        fromConfig.getMessage().startsWith("s.yml: devices: asks for gpu:4"),
        fromConfig.getMessage());
    ConfigException noEnv = assertThrows(ConfigException.class, () -> FOUR_GPUS.parse("gpu:7"));
    assertTrue(
        noEnv.getMessage().contains("4 GPUs are visible (gpu:0, gpu:1, gpu:2, gpu:3)"),
        noEnv.getMessage());
  }

  @Test
  void gpuOnACpuOnlyMachineIsAClearError() {
    for (String spec : List.of("gpu", "gpu:0", "0")) {
      ConfigException e = assertThrows(ConfigException.class, () -> CPU_ONLY.parse(spec));
      assertTrue(
          e.getMessage().startsWith("--devices: ")
              && e.getMessage().contains("none is usable: no CUDA GPU was found; use cpu"),
          e.getMessage());
    }
    Devices hidden = new Devices(0, "", "CUDA_VISIBLE_DEVICES='' leaves no GPU visible");
    ConfigException e = assertThrows(ConfigException.class, () -> hidden.parse("gpu"));
    assertTrue(e.getMessage().contains("CUDA_VISIBLE_DEVICES='' leaves no GPU visible"));
  }

  @Test
  void malformedSpecsSayWhatIsValid() {
    for (String spec : List.of("tpu", "gpu:", "0,,1", "cpu,0", "gpu:-1", "1.5")) {
      ConfigException e = assertThrows(ConfigException.class, () -> FOUR_GPUS.parse(spec), spec);
      assertTrue(e.getMessage().contains("use cpu, gpu (every visible GPU)"), e.getMessage());
    }
    ConfigException twice = assertThrows(ConfigException.class, () -> FOUR_GPUS.parse("1,gpu1"));
    assertTrue(twice.getMessage().contains("GPU 1 is listed twice"), twice.getMessage());
    ConfigException badType =
        assertThrows(ConfigException.class, () -> FOUR_GPUS.resolve(null, config(Map.of("a", 1))));
    assertTrue(badType.getMessage().startsWith("s.yml: devices: expected"), badType.getMessage());
  }

  @Test
  void thisMachineResolvesToWhatTheEngineReports() {
    Devices machine = Devices.ofMachine();
    Device[] defaults = machine.defaults();
    if (machine.visibleGpuCount() == 0) {
      assertArrayEquals(new Device[] {Device.cpu()}, defaults);
      ConfigException e = assertThrows(ConfigException.class, () -> machine.parse("gpu"));
      assertTrue(e.getMessage().contains("use cpu"), e.getMessage());
    } else {
      assertEquals(machine.visibleGpuCount(), defaults.length);
    }
    assertEquals("gpu(0), gpu(1)", Devices.describe(gpus(0, 1)));
  }
}
