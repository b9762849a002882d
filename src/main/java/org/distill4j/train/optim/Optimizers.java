package org.distill4j.train.optim;

import org.distill4j.config.ConfigMap;
import org.distill4j.config.Registry;

/**
 * Builds the {@code optimizer:} section. Types: {@code Momentum} (also spelled {@code sgd} and
 * {@code SGD}, as in PaddleSeg configs; keys {@code momentum} default 0.9, {@code weight_decay}
 * default 0), {@code Adam} (also {@code adam}) and {@code AdamW} (keys {@code beta1} 0.9, {@code
 * beta2} 0.999, {@code epsilon} 1e-8, {@code weight_decay}: 0 for Adam, 0.01 for AdamW). The
 * learning rate comes from {@code lr_scheduler}, see {@link Schedules}.
 */
public final class Optimizers {
  private static final Registry<SegOptimizer> REGISTRY = createDefault();

  private Optimizers() {}

  /** The shared optimizer registry: a type registered here is usable from YAML configs too. */
  public static Registry<SegOptimizer> registry() {
    return REGISTRY;
  }

  private static Registry<SegOptimizer> createDefault() {
    return new Registry<SegOptimizer>("optimizer")
        .register("Momentum", Optimizers::momentum)
        .register("Adam", c -> adam(c, Adam.builder()).build())
        .register("AdamW", c -> adam(c, AdamW.builder()).buildAdamW())
        .alias("sgd", "Momentum")
        .alias("SGD", "Momentum")
        .alias("adam", "Adam")
        .alias("adamw", "AdamW");
  }

  public static SegOptimizer build(ConfigMap optimizerSection) {
    return registry().build(optimizerSection);
  }

  private static SegOptimizer momentum(ConfigMap c) {
    c.requireKnownKeys("momentum", "weight_decay");
    double momentum = c.optDouble("momentum", 0.9);
    if (!(momentum >= 0 && momentum < 1)) {
      throw c.error("momentum", "must be in [0, 1), got " + momentum);
    }
    return Momentum.builder().optMomentum(momentum).optWeightDecay(weightDecay(c, 0)).build();
  }

  private static Adam.Builder adam(ConfigMap c, Adam.Builder builder) {
    c.requireKnownKeys("beta1", "beta2", "epsilon", "weight_decay");
    for (String beta : new String[] {"beta1", "beta2"}) {
      double value = c.optDouble(beta, beta.equals("beta1") ? 0.9 : 0.999);
      if (!(value >= 0 && value < 1)) {
        throw c.error(beta, "must be in [0, 1), got " + value);
      }
    }
    double epsilon = c.optDouble("epsilon", 1e-8);
    if (!(epsilon > 0)) {
      throw c.error("epsilon", "must be > 0, got " + epsilon);
    }
    return builder
        .optBeta1(c.optDouble("beta1", 0.9))
        .optBeta2(c.optDouble("beta2", 0.999))
        .optEpsilon(epsilon)
        .optWeightDecay(weightDecay(c, builder.weightDecay));
  }

  private static double weightDecay(ConfigMap c, double fallback) {
    double wd = c.optDouble("weight_decay", fallback);
    if (!(wd >= 0) || Double.isInfinite(wd)) {
      throw c.error("weight_decay", "must be a number >= 0, got " + wd);
    }
    return wd;
  }
}
