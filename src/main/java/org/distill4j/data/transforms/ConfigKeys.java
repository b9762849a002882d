package org.distill4j.data.transforms;

import java.util.Arrays;
import java.util.List;
import org.distill4j.config.ConfigMap;

/** Small validation helpers shared by the builders of transforms and datasets. */
final class ConfigKeys {
  private ConfigKeys() {}

  /** Rejects keys the component does not know: {@link ConfigMap#requireKnownKeys}. */
  static void allowOnly(ConfigMap cfg, String component, String... known) {
    cfg.requireKnownKeys(component, Arrays.asList(known));
  }

  static double probability(ConfigMap cfg, String key, double fallback) {
    double p = cfg.optDouble(key, fallback);
    if (!(p >= 0 && p <= 1)) {
      throw cfg.error(key, "must be a probability in [0, 1], got " + p);
    }
    return p;
  }

  static double nonNegative(ConfigMap cfg, String key, double fallback) {
    double v = cfg.optDouble(key, fallback);
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw cfg.error(key, "must be a finite number >= 0, got " + v);
    }
    return v;
  }

  /** A {@code [width, height]} pair (or one int for both) with both values positive. */
  static int[] positiveSize(ConfigMap cfg, String key, int[] fallback) {
    int[] wh = cfg.has(key) ? cfg.getIntPair(key) : fallback;
    if (wh[0] <= 0 || wh[1] <= 0) {
      throw cfg.error(key, "must be positive [width, height], got [" + wh[0] + ", " + wh[1] + "]");
    }
    return wh;
  }

  /** A padding colour: one number for all channels or a list of 1 or 3 numbers. */
  static float[] paddingValue(ConfigMap cfg, String key, float fallback) {
    if (!cfg.has(key)) {
      return new float[] {fallback, fallback, fallback};
    }
    double[] v;
    if (cfg.get(key) instanceof List) {
      v = cfg.getDoubleArray(key);
    } else {
      v = new double[] {cfg.getDouble(key)};
    }
    if (v.length != 1 && v.length != 3) {
      throw cfg.error(key, "expected one number or a list of 3 numbers, got " + v.length);
    }
    float[] out = new float[3];
    for (int i = 0; i < 3; i++) {
      out[i] = (float) v[v.length == 1 ? 0 : i];
    }
    return out;
  }
}
