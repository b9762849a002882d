package org.distill4j.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command-line overrides PaddleSeg's trainers accept ({@code --iters}, {@code --batch_size},
 * {@code --learning_rate}) and distill4j's {@code --amp}, applied after {@code _base_} merging.
 */
public final class Overrides {
  public static final String ITERS = "iters";
  public static final String BATCH_SIZE = "batch_size";
  public static final String LEARNING_RATE = "learning_rate";

  /** Sets the top-level {@code amp} key (the {@code --amp} flag). */
  public static final String AMP = Amp.KEY;

  /** Sets {@code model.pretrained} (a distillation's {@code --teacher_model}). */
  public static final String MODEL_PRETRAINED = "model.pretrained";

  private Overrides() {}

  /** An override map for {@link ConfigLoader#load(java.nio.file.Path, Map)}; nulls are skipped. */
  public static Map<String, Object> of(Integer iters, Integer batchSize, Double learningRate) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (iters != null) {
      out.put(ITERS, requirePositive("--iters", iters));
    }
    if (batchSize != null) {
      out.put(BATCH_SIZE, requirePositive("--batch_size", batchSize));
    }
    if (learningRate != null) {
      out.put(LEARNING_RATE, requirePositive("--learning_rate", learningRate));
    }
    return out;
  }

  /** {@link #of(Integer, Integer, Double)} with {@code --amp} too (null: not given). */
  public static Map<String, Object> of(
      Integer iters, Integer batchSize, Double learningRate, String amp) {
    Map<String, Object> out = of(iters, batchSize, learningRate);
    if (amp != null) {
      out.put(AMP, Amp.parse(amp, "--amp").configName());
    }
    return out;
  }

  /**
   * Applies overrides to a merged tree. {@code learning_rate} goes to {@code
   * lr_scheduler.learning_rate} when an {@code lr_scheduler} section exists, else to the legacy
   * {@code learning_rate.value}, as PaddleSeg does.
   */
  static void apply(Map<String, Object> root, Map<String, ?> overrides, String file) {
    overrides.forEach(
        (key, value) -> {
          if (value == null) {
            return;
          }
          switch (key) {
            case ITERS, BATCH_SIZE, AMP -> root.put(key, value);
            case LEARNING_RATE -> applyLearningRate(root, value, file);
            case MODEL_PRETRAINED -> applyModelPretrained(root, value, file);
            default ->
                throw new ConfigException(
                    "unknown override '"
                        + key
                        + "'; supported: "
                        + ITERS
                        + ", "
                        + BATCH_SIZE
                        + ", "
                        + LEARNING_RATE
                        + ", "
                        + AMP
                        + ", "
                        + MODEL_PRETRAINED);
          }
        });
  }

  private static void applyLearningRate(Map<String, Object> root, Object value, String file) {
    for (String[] target :
        new String[][] {{"lr_scheduler", "learning_rate"}, {"learning_rate", "value"}}) {
      if (root.get(target[0]) instanceof Map<?, ?> section) {
        @SuppressWarnings("unchecked")
        Map<String, Object> writable = (Map<String, Object>) section;
        writable.put(target[1], value);
        return;
      }
    }
    throw new ConfigException(
        file
            + ": cannot apply the learning_rate override: the config has neither an lr_scheduler"
            + " section nor a legacy learning_rate section");
  }

  private static void applyModelPretrained(Map<String, Object> root, Object value, String file) {
    if (!(root.get("model") instanceof Map<?, ?> section)) {
      throw new ConfigException(file + ": model: missing; cannot set model.pretrained");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> writable = (Map<String, Object>) section;
    writable.put("pretrained", value.toString());
  }

  private static <T extends Number> T requirePositive(String flag, T value) {
    if (value.doubleValue() <= 0 || Double.isNaN(value.doubleValue())) {
      throw new ConfigException(flag + " must be positive, got " + value);
    }
    return value;
  }
}
