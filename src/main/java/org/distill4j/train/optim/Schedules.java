package org.distill4j.train.optim;

import org.distill4j.config.ConfigMap;
import org.distill4j.config.Registry;

/**
 * Builds the {@code lr_scheduler:} section the way PaddleSeg does.
 *
 * <pre>
 * lr_scheduler:
 *   type: PolynomialDecay
 *   learning_rate: 0.01
 *   end_lr: 0          # default 0
 *   power: 0.9         # default 0.9
 *   decay_steps: 1000  # default iters (iters - warmup_iters with warm-up)
 *   cycle: false
 *   warmup_iters: 10   # optional, needs warmup_start_lr
 *   warmup_start_lr: 1.0e-5
 * </pre>
 *
 * <p>{@code ConstantLR} (just {@code learning_rate}) is a distill4j extension. Warm-up keys work
 * with every type.
 */
public final class Schedules {
  private Schedules() {}

  /** The registry of schedule types for a run of {@code iters} iterations (warm-up excluded). */
  public static Registry<LearningRateSchedule> registry(int iters) {
    return new Registry<LearningRateSchedule>("lr_scheduler")
        .register("PolynomialDecay", c -> polynomial(c, iters))
        .register("ConstantLR", Schedules::constant);
  }

  /** The schedule described by {@code config}, wrapped in warm-up when it asks for it. */
  public static LearningRateSchedule build(ConfigMap config, int iters) {
    if (iters <= 0) {
      throw new IllegalArgumentException("iters must be > 0, got " + iters);
    }
    LearningRateSchedule main = registry(iters).build(config);
    if (!config.has("warmup_iters")) {
      if (config.has("warmup_start_lr")) {
        throw config.error("warmup_start_lr", "is set but warmup_iters is missing; set both");
      }
      return main;
    }
    int warmup = config.getPositiveInt("warmup_iters");
    if (!config.has("warmup_start_lr")) {
      throw config.error(
          "warmup_start_lr", "missing; warm-up needs both warmup_iters and warmup_start_lr");
    }
    double start = config.getDouble("warmup_start_lr");
    double base = config.getDouble("learning_rate");
    if (!(start >= 0 && start < base)) {
      throw config.error(
          "warmup_start_lr", "must be >= 0 and below learning_rate " + base + ", got " + start);
    }
    return new LinearWarmup(main, warmup, start, base);
  }

  private static LearningRateSchedule polynomial(ConfigMap c, int iters) {
    c.requireKnownKeys(known("end_lr", "power", "decay_steps", "cycle"));
    double lr = positiveLearningRate(c);
    int warmup = c.has("warmup_iters") ? c.getPositiveInt("warmup_iters") : 0;
    int defaultDecay = Math.max(iters - warmup, 1);
    int decaySteps = c.has("decay_steps") ? c.getPositiveInt("decay_steps") : defaultDecay;
    double endLr = c.optDouble("end_lr", 0);
    if (!(endLr >= 0 && endLr <= lr)) {
      throw c.error("end_lr", "must be >= 0 and at most learning_rate " + lr + ", got " + endLr);
    }
    double power = c.optDouble("power", 0.9);
    if (!(power > 0)) {
      throw c.error("power", "must be > 0, got " + power);
    }
    return new PolynomialDecay(lr, endLr, power, decaySteps, c.optBoolean("cycle", false));
  }

  private static LearningRateSchedule constant(ConfigMap c) {
    c.requireKnownKeys(known());
    return new ConstantLR(positiveLearningRate(c));
  }

  private static double positiveLearningRate(ConfigMap c) {
    double lr = c.getDouble("learning_rate");
    if (!(lr > 0)) {
      throw c.error("learning_rate", "must be > 0, got " + lr);
    }
    return lr;
  }

  private static String[] known(String... extra) {
    String[] base = {"learning_rate", "warmup_iters", "warmup_start_lr"};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }
}
