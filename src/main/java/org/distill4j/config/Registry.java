package org.distill4j.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Maps a config {@code type} name to a builder. This is the one way to build each kind of
 * component: YAML configs, the CLI and notebooks all go through it.
 *
 * @param <T> what the registry builds
 */
public final class Registry<T> {
  private final String kind;
  private final Map<String, Function<ConfigMap, ? extends T>> builders = new LinkedHashMap<>();
  private final Map<String, String> aliases = new LinkedHashMap<>();

  /**
   * @param kind what is built, for error messages ("transform", "model", "loss")
   */
  public Registry(String kind) {
    this.kind = kind;
  }

  public String kind() {
    return kind;
  }

  /** Registers a builder; a later registration of the same name replaces the earlier one. */
  public Registry<T> register(String type, Function<ConfigMap, ? extends T> builder) {
    builders.put(type, builder);
    return this;
  }

  /**
   * Accepts {@code alias} as another spelling of {@code type} (e.g. PaddleSeg's lower-case names).
   */
  public Registry<T> alias(String alias, String type) {
    aliases.put(alias, type);
    return this;
  }

  public Set<String> types() {
    return Collections.unmodifiableSet(builders.keySet());
  }

  public boolean contains(String type) {
    return builders.containsKey(resolve(type));
  }

  private String resolve(String type) {
    return aliases.getOrDefault(type, type);
  }

  /** Builds the component described by {@code config}, which must have a {@code type} key. */
  public T build(ConfigMap config) {
    String type = config.type();
    Function<ConfigMap, ? extends T> builder = builders.get(resolve(type));
    if (builder == null) {
      String closest = Suggest.closest(type, builders.keySet());
      throw config.error(
          "type",
          "unknown "
              + kind
              + " type '"
              + type
              + "'"
              + (closest == null ? "" : " (did you mean '" + closest + "'?)")
              + "; supported: "
              + String.join(", ", builders.keySet()));
    }
    return builder.apply(config);
  }
}
