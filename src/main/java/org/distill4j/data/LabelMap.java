package org.distill4j.data;

import java.util.Map;
import java.util.TreeMap;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;

/**
 * The dataset key {@code label_map}: an explicit remapping of stored label values to class ids,
 * applied whenever a label file is read (training, evaluation and the data check). Its main use is
 * binary masks saved as 0/255, which need {@code label_map: {255: 1}} with {@code num_classes: 2};
 * nothing is ever remapped without it.
 */
public final class LabelMap {
  /** The key in a dataset section. */
  public static final String KEY = "label_map";

  /** Label files hold 8- or 16-bit values. */
  static final int MAX_VALUE = 65535;

  private static final LabelMap IDENTITY = new LabelMap(new TreeMap<>());

  private final TreeMap<Integer, Integer> mapping;
  private final int[] table;

  private LabelMap(TreeMap<Integer, Integer> mapping) {
    this.mapping = mapping;
    int size = mapping.isEmpty() ? 0 : mapping.lastKey() + 1;
    this.table = new int[size];
    for (int v = 0; v < size; v++) {
      table[v] = mapping.getOrDefault(v, v);
    }
  }

  /** No remapping. */
  public static LabelMap identity() {
    return IDENTITY;
  }

  /**
   * Builds from a map of stored value to class id.
   *
   * @throws ConfigException when a key is not in [0, 65535] or a value is neither a class id in [0,
   *     numClasses) nor the ignore index
   */
  public static LabelMap of(Map<Integer, Integer> mapping, int numClasses, int ignoreIndex) {
    TreeMap<Integer, Integer> sorted = new TreeMap<>();
    for (Map.Entry<Integer, Integer> e : mapping.entrySet()) {
      int from = e.getKey();
      int to = e.getValue();
      if (from < 0 || from > MAX_VALUE) {
        throw new ConfigException(
            KEY + ": stored value " + from + " is not a label value (0 to " + MAX_VALUE + ")");
      }
      if ((to < 0 || to >= numClasses) && to != ignoreIndex) {
        throw new ConfigException(
            KEY
                + ": "
                + from
                + " maps to "
                + to
                + ", which is neither a class id in [0, "
                + numClasses
                + ") nor the ignore_index "
                + ignoreIndex);
      }
      sorted.put(from, to);
    }
    return sorted.isEmpty() ? IDENTITY : new LabelMap(sorted);
  }

  /** Reads {@code label_map} from a dataset section; identity when the key is absent. */
  public static LabelMap fromConfig(ConfigMap cfg, int numClasses, int ignoreIndex) {
    if (!cfg.has(KEY)) {
      return IDENTITY;
    }
    Object raw = cfg.get(KEY);
    if (!(raw instanceof Map<?, ?> given)) {
      throw cfg.error(KEY, "must be a mapping of stored value to class id, e.g. {255: 1}");
    }
    Map<Integer, Integer> parsed = new TreeMap<>();
    for (Map.Entry<?, ?> e : given.entrySet()) {
      Integer from = asInt(e.getKey());
      Integer to = asInt(e.getValue());
      if (from == null || to == null) {
        throw cfg.error(
            KEY,
            "entry '"
                + e.getKey()
                + ": "
                + e.getValue()
                + "' is not 'integer: integer'; write e.g. {255: 1}");
      }
      parsed.put(from, to);
    }
    try {
      return of(parsed, numClasses, ignoreIndex);
    } catch (ConfigException e) {
      throw cfg.error(KEY, e.getMessage().substring(KEY.length() + 2));
    }
  }

  private static Integer asInt(Object o) {
    if (o instanceof Integer i) {
      return i;
    }
    if (o instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
      return l.intValue();
    }
    if (o instanceof String s) {
      try {
        return Integer.parseInt(s.strip());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  public boolean isIdentity() {
    return mapping.isEmpty();
  }

  /** Remaps {@code values} in place. */
  void apply(int[] values) {
    if (table.length == 0) {
      return;
    }
    for (int i = 0; i < values.length; i++) {
      int v = values[i];
      if (v >= 0 && v < table.length) {
        values[i] = table[v];
      }
    }
  }

  @Override
  public String toString() {
    return mapping.toString();
  }
}
