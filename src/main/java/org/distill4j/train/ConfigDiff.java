package org.distill4j.train;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The first difference between two YAML trees, in words, for a resume that changed the config. */
final class ConfigDiff {
  private ConfigDiff() {}

  /**
   * Describes the first key path at which {@code now} and {@code then} differ, for example {@code
   * "lr_scheduler.learning_rate: 0.05 now, 0.01 in the checkpoint"}; empty when they are equal.
   */
  static String first(String path, Object now, Object then) {
    if (now instanceof Map<?, ?> a && then instanceof Map<?, ?> b) {
      Set<Object> keys = new LinkedHashSet<>(a.keySet());
      keys.addAll(b.keySet());
      for (Object k : keys) {
        String d = first(path.isEmpty() ? k.toString() : path + "." + k, a.get(k), b.get(k));
        if (!d.isEmpty()) {
          return d;
        }
      }
      return "";
    }
    if (now instanceof List<?> a && then instanceof List<?> b && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        String d = first(path + "[" + i + "]", a.get(i), b.get(i));
        if (!d.isEmpty()) {
          return d;
        }
      }
      return "";
    }
    if (Objects.equals(now, then)) {
      return "";
    }
    return (path.isEmpty() ? "<root>" : path)
        + ": "
        + (now == null ? "absent" : now)
        + " now, "
        + (then == null ? "absent" : then)
        + " in the checkpoint";
  }
}
