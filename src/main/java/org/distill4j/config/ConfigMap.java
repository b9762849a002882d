package org.distill4j.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A read-only view of one YAML mapping, with the file it came from and its key path, so that every
 * accessor can report a bad value as {@code file: key.path: what is wrong}. Components are built
 * from a {@code ConfigMap} through a {@link Registry}; notebooks can make one from a plain map with
 * {@link #of(Map)}.
 */
public final class ConfigMap {
  private final Map<String, Object> values;
  private final String path;
  private final String file;

  public ConfigMap(Map<String, Object> values, String path, String file) {
    this.values = values == null ? Map.of() : values;
    this.path = path == null ? "" : path;
    this.file = file == null ? "<config>" : file;
  }

  /** A root-level view of a plain map, for building components from Java code. */
  public static ConfigMap of(Map<String, Object> values) {
    return new ConfigMap(values, "", "<java>");
  }

  /** Convenience for Java callers: {@code ConfigMap.of("type", "KLLoss", "temperature", 2)}. */
  public static ConfigMap of(Object... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("ConfigMap.of needs key/value pairs");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
    }
    return of(map);
  }

  public String path() {
    return path;
  }

  public String file() {
    return file;
  }

  /**
   * The key path of a child, e.g. {@code model.backbone} or {@code train_dataset.transforms[1]}.
   */
  public String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public Map<String, Object> raw() {
    return Collections.unmodifiableMap(values);
  }

  public Set<String> keys() {
    return Collections.unmodifiableSet(values.keySet());
  }

  /** True when the key is present with a non-null value. */
  public boolean has(String key) {
    return values.get(key) != null;
  }

  public Object get(String key) {
    return values.get(key);
  }

  /** An error located at a key of this map. */
  public ConfigException error(String key, String message) {
    return new ConfigException(file + ": " + childPath(key) + ": " + message);
  }

  /** An error located at this map itself. */
  public ConfigException error(String message) {
    return new ConfigException(file + ": " + (path.isEmpty() ? "<root>" : path) + ": " + message);
  }

  private Object require(String key, String what) {
    Object v = values.get(key);
    if (v == null) {
      throw error(key, "missing; expected " + what);
    }
    return v;
  }

  public String getString(String key) {
    Object v = require(key, "a string");
    if (v instanceof Map || v instanceof List) {
      throw error(key, "expected a string, got " + describe(v));
    }
    return String.valueOf(v);
  }

  public String optString(String key, String fallback) {
    return has(key) ? getString(key) : fallback;
  }

  /** The component type name of this map ({@code type:} key). */
  public String type() {
    return getString("type");
  }

  public int getInt(String key) {
    Object v = require(key, "an integer");
    return toInt(key, v);
  }

  public int optInt(String key, int fallback) {
    return has(key) ? getInt(key) : fallback;
  }

  public long getLong(String key) {
    Object v = require(key, "an integer");
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    throw error(key, "expected an integer, got " + describe(v));
  }

  public double getDouble(String key) {
    Object v = require(key, "a number");
    return toDouble(key, v);
  }

  public double optDouble(String key, double fallback) {
    return has(key) ? getDouble(key) : fallback;
  }

  public boolean getBoolean(String key) {
    Object v = require(key, "true or false");
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    throw error(key, "expected true or false, got " + describe(v));
  }

  public boolean optBoolean(String key, boolean fallback) {
    return has(key) ? getBoolean(key) : fallback;
  }

  /** A positive integer, e.g. {@code iters} or {@code batch_size}. */
  public int getPositiveInt(String key) {
    int v = getInt(key);
    if (v <= 0) {
      throw error(key, "must be a positive integer, got " + v);
    }
    return v;
  }

  public List<Object> getList(String key) {
    Object v = require(key, "a list");
    if (!(v instanceof List)) {
      throw error(key, "expected a list, got " + describe(v));
    }
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) v;
    return list;
  }

  public List<Object> optList(String key) {
    return has(key) ? getList(key) : List.of();
  }

  public int[] getIntArray(String key) {
    List<Object> list = getList(key);
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = toInt(key + "[" + i + "]", list.get(i));
    }
    return out;
  }

  public int[] optIntArray(String key, int[] fallback) {
    return has(key) ? getIntArray(key) : fallback;
  }

  public double[] getDoubleArray(String key) {
    List<Object> list = getList(key);
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = toDouble(key + "[" + i + "]", list.get(i));
    }
    return out;
  }

  public double[] optDoubleArray(String key, double[] fallback) {
    return has(key) ? getDoubleArray(key) : fallback;
  }

  /**
   * An int pair such as {@code target_size: [512, 512]} or a single int meaning both, as PaddleSeg
   * accepts.
   */
  public int[] getIntPair(String key) {
    Object v = require(key, "an integer or a list of two integers");
    if (v instanceof List) {
      int[] arr = getIntArray(key);
      if (arr.length != 2) {
        throw error(key, "expected a list of two integers, got " + arr.length + " values");
      }
      return arr;
    }
    int single = toInt(key, v);
    return new int[] {single, single};
  }

  public ConfigMap getMap(String key) {
    Object v = require(key, "a mapping");
    return asMap(key, v, childPath(key));
  }

  public Optional<ConfigMap> optMap(String key) {
    return has(key) ? Optional.of(getMap(key)) : Optional.empty();
  }

  /** A list of mappings, e.g. {@code transforms} or {@code loss.types}. */
  public List<ConfigMap> getMapList(String key) {
    List<Object> list = getList(key);
    List<ConfigMap> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String itemKey = key + "[" + i + "]";
      out.add(asMap(itemKey, list.get(i), childPath(itemKey)));
    }
    return out;
  }

  public List<ConfigMap> optMapList(String key) {
    return has(key) ? getMapList(key) : List.of();
  }

  /**
   * Rejects keys a component does not know (its {@code type} is always allowed), naming the closest
   * known key, the way PaddleSeg rejects unexpected keyword arguments. The component is named by
   * this section's {@code type}.
   */
  public void requireKnownKeys(String... known) {
    requireKnownKeys(optString("type", "this component"), java.util.Arrays.asList(known));
  }

  /**
   * The one unknown-key check of every config section (models, backbones, transforms, datasets,
   * losses, optimizers, schedules, distillation entries), so each typo reads the same way: {@code
   * <file>: <path>.<key>: unknown key for <component> (did you mean '<closest>'?); known keys:
   * <sorted list>}. {@code type} is always allowed.
   *
   * @param component what the section builds, as the user would name it (e.g. {@code Resize})
   */
  public void requireKnownKeys(String component, java.util.Collection<String> known) {
    Set<String> knownSet = new TreeSet<>(known);
    knownSet.add("type");
    for (String key : unknownKeys(knownSet)) {
      String closest = Suggest.closest(key, knownSet);
      throw error(
          key,
          "unknown key for "
              + component
              + (closest == null ? "" : " (did you mean '" + closest + "'?)")
              + "; known keys: "
              + String.join(", ", knownSet));
    }
  }

  /** Keys present here that the component does not know; callers print them as a warning. */
  public Set<String> unknownKeys(Set<String> known) {
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(known);
    return unknown;
  }

  private ConfigMap asMap(String key, Object v, String childPath) {
    if (!(v instanceof Map)) {
      throw error(key, "expected a mapping, got " + describe(v));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) v;
    return new ConfigMap(map, childPath, file);
  }

  private int toInt(String key, Object v) {
    if (v instanceof Integer) {
      return (Integer) v;
    }
    if (v instanceof Long && (Long) v == ((Long) v).intValue()) {
      return ((Long) v).intValue();
    }
    throw error(key, "expected an integer, got " + describe(v));
  }

  private double toDouble(String key, Object v) {
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    if (v instanceof String) {
      // YAML 1.1 reads "4.0e-5" as a float but "1e-4" (no dot) as a string; PaddleSeg accepts both.
      try {
        return Double.parseDouble(((String) v).trim());
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw error(key, "expected a number, got " + describe(v));
  }

  static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Map) {
      return "a mapping";
    }
    if (v instanceof List) {
      return "a list";
    }
    if (v instanceof String) {
      return "'" + v + "'";
    }
    return String.valueOf(v);
  }

  @Override
  public String toString() {
    return file + ":" + path + " " + values;
  }
}
