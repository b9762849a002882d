package org.distill4j.tutorial;

import java.nio.file.Path;
import java.util.Locale;
import org.distill4j.config.ConfigException;

/**
 * The three sizes the tutorial runs at: {@code smoke} (seconds, for tests), {@code cpu} (minutes on
 * a laptop) and {@code gpu} (the original 512x512, 1k-iteration recipe). Each names its teacher and
 * student configs and the synthetic dataset it generates when none is present.
 */
public enum TutorialScale {
  SMOKE("configs/smoke", "data/optic_disc_seg_smoke", 24, 8, 4, 96, 84),
  CPU("configs/cpu", "data/optic_disc_seg", 267, 76, 38, 256, 224),
  GPU("configs/quick_start", "data/optic_disc_seg", 267, 76, 38, 256, 224);

  private final String configDir;
  private final String dataRoot;
  private final int train;
  private final int val;
  private final int test;
  private final int width;
  private final int height;

  TutorialScale(
      String configDir, String dataRoot, int train, int val, int test, int width, int height) {
    this.configDir = configDir;
    this.dataRoot = dataRoot;
    this.train = train;
    this.val = val;
    this.test = test;
    this.width = width;
    this.height = height;
  }

  /** Parses {@code smoke}, {@code cpu} or {@code gpu} (any case). */
  public static TutorialScale parse(String name) {
    for (TutorialScale s : values()) {
      if (s.name().equalsIgnoreCase(name.trim())) {
        return s;
      }
    }
    throw new ConfigException("unknown scale '" + name + "'; valid: smoke, cpu, gpu");
  }

  /** The environment variable naming the scale. */
  public static final String SCALE_VARIABLE = "DISTILL4J_SCALE";

  /**
   * The system property naming the scale; it wins over the environment variable because a JVM can
   * set it per run (the {@code notebook} command and the notebook tests do) while the environment
   * is inherited and fixed.
   */
  public static final String SCALE_PROPERTY = "distill4j.scale";

  /**
   * The scale named by the {@code distill4j.scale} system property, else by the {@code
   * DISTILL4J_SCALE} environment variable, else {@code gpu} when a GPU is visible, else {@code
   * cpu}.
   */
  public static TutorialScale fromEnvironment(boolean gpuPresent) {
    return choose(System.getProperty(SCALE_PROPERTY), System.getenv(SCALE_VARIABLE), gpuPresent);
  }

  /** The rule of {@link #fromEnvironment}, on given values (blank or null means unset). */
  static TutorialScale choose(String property, String variable, boolean gpuPresent) {
    if (property != null && !property.isBlank()) {
      return parse(property);
    }
    if (variable != null && !variable.isBlank()) {
      return parse(variable);
    }
    return gpuPresent ? GPU : CPU;
  }

  /**
   * How many iterations apart a notebook evaluates (and saves) a run of {@code iters} iterations:
   * once, at the end, at smoke scale (every evaluation and checkpoint costs seconds there), eight
   * times otherwise, so the live mIoU curve has points to draw.
   */
  public int evalInterval(int iters) {
    return this == SMOKE ? Math.max(1, iters) : Math.max(1, iters / 8);
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The teacher config under {@code projectRoot}. */
  public Path teacherConfig(Path projectRoot) {
    return projectRoot.resolve(configDir).resolve(configName("resnet50", "teacher"));
  }

  /** The student config under {@code projectRoot}. */
  public Path studentConfig(Path projectRoot) {
    return projectRoot.resolve(configDir).resolve(configName("resnet18", "student"));
  }

  private String configName(String backbone, String role) {
    switch (this) {
      case SMOKE:
        return "deeplabv3p_" + backbone + "_os8_optic_disc_smoke_" + role + ".yml";
      case CPU:
        return "deeplabv3p_" + backbone + "_os8_optic_disc_cpu_" + role + ".yml";
      default:
        return "deeplabv3p_" + backbone + "_os8_optic_disc_512x512_1k_" + role + ".yml";
    }
  }

  /** Where this scale's configs expect their dataset (relative to the working directory). */
  public String dataRoot() {
    return dataRoot;
  }

  public int trainImages() {
    return train;
  }

  public int valImages() {
    return val;
  }

  public int testImages() {
    return test;
  }

  public int imageWidth() {
    return width;
  }

  public int imageHeight() {
    return height;
  }
}
