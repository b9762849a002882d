package org.distill4j.cli;

import ai.djl.engine.Engine;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ErrorWords;
import org.distill4j.engine.EngineCompat;

/**
 * Makes sure the PyTorch engine can start before a command touches it, turning a missing native
 * library or a GPU build without a GPU into one line that says what to do.
 */
final class EngineCheck {
  private EngineCheck() {}

  static void ensureReady() {
    ensureReady(() -> Engine.getEngine("PyTorch"));
  }

  /** As {@link #ensureReady()}, starting the engine with {@code loader} (tests inject failures). */
  static void ensureReady(Runnable loader) {
    try {
      loader.run();
    } catch (RuntimeException | UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new ConfigException(
          "the PyTorch native library could not be loaded ("
              + firstLine(e)
              + "); build with the default Maven profile (mvn package), which bundles"
              + " pytorch-native-cpu, or with -Ponline on a machine that can download it, or with"
              + " -Pcu118 on a CUDA 11.8 machine");
    }
    EngineCompat.requireGpuIfCudaBuild();
  }

  private static String firstLine(Throwable e) {
    return ErrorWords.describe(e);
  }
}
