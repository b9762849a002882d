package org.distill4j.config;

import java.util.List;
import java.util.Locale;

/**
 * Mixed precision of a training run: the config key {@code amp} and the flag {@code --amp}.
 *
 * <ul>
 *   <li>{@code none} (the default): everything in float32, as PaddleSeg's default {@code
 *       --precision fp32}.
 *   <li>{@code bf16}: the convolutions of the model being trained, forward and backward, in
 *       bfloat16, their bfloat16 results passed on through BatchNorm, ReLU and pooling to the next
 *       convolution (PyTorch autocast's split); weights, optimizer state, BatchNorm's parameters
 *       and statistics, the residual sums of the backbones, resizes, recorded taps, losses (softmax
 *       of KL/CWD included), evaluation and the frozen teacher (unless {@link #TEACHER_KEY} says
 *       bf16) stay float32. Faster than float32 on CPUs with AVX512_BF16 or AMX (measured) and
 *       meant for GPUs (not measured there yet); on other CPUs with AVX-512 oneDNN emulates it,
 *       about twice as slow as float32 (a run warns), and on CPUs without AVX-512 libtorch's
 *       reference kernel is tens of times slower, so it is refused there ({@code
 *       engine.Bf16OnCpu}).
 * </ul>
 *
 * <p>PaddleSeg's float16 ({@code --precision fp16}) is not offered: DJL 0.36 has no loss scaling,
 * which float16 training needs, and bfloat16 keeps float32's range so it needs none.
 */
public enum Amp {
  NONE("none"),
  BF16("bf16");

  /** The config key (top level) and flag name. */
  public static final String KEY = "amp";

  /**
   * The config key (top level of a student config) for the frozen teacher's precision in a
   * distillation run: {@code none} (the default: float32, the teacher's exact outputs as targets)
   * or {@code bf16} (its convolutions in bfloat16 with weights rounded once; faster where bf16
   * pays, targets rounded as the teacher's own bf16 forward pass rounds them). Independent of
   * {@link #KEY}, which sets the student's.
   */
  public static final String TEACHER_KEY = "teacher_amp";

  private final String configName;

  Amp(String configName) {
    this.configName = configName;
  }

  /** As written in a config: {@code none} or {@code bf16}. */
  public String configName() {
    return configName;
  }

  /**
   * The value {@code text} names (case and surrounding spaces ignored; YAML's {@code false} and
   * {@code null} mean none).
   *
   * @param where how to name the value in an error, e.g. {@code file: amp} or {@code --amp}
   * @throws ConfigException for anything else, in one line, with the closest name for a typo
   */
  public static Amp parse(Object text, String where) {
    if (text == null || Boolean.FALSE.equals(text)) {
      return NONE;
    }
    String value = String.valueOf(text).trim().toLowerCase(Locale.ROOT);
    for (Amp amp : values()) {
      if (amp.configName.equals(value)) {
        return amp;
      }
    }
    if (value.equals("fp16")
        || value.equals("float16")
        || value.equals("o1")
        || value.equals("o2")) {
      throw new ConfigException(
          where
              + ": '"
              + text
              + "' (float16) is not supported: it needs loss scaling, which DJL 0.36 lacks;"
              + " use bf16 (same range as float32, no scaling) or none");
    }
    if (value.equals("fp32") || value.equals("float32")) {
      throw new ConfigException(where + ": '" + text + "': write none for float32 training");
    }
    List<String> names = List.of(NONE.configName, BF16.configName);
    String closest = Suggest.closest(value, names);
    throw new ConfigException(
        where
            + ": unknown value '"
            + text
            + "'"
            + (closest != null ? " (did you mean " + closest + "?)" : "")
            + "; use one of "
            + String.join(", ", names));
  }
}
