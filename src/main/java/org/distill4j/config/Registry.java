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
 * <p>Each kind has one shared registry (e.g. {@code Models.registry()}, {@code
 * Transforms.registry()}, {@code Losses.registry()}, {@code Optimizers.registry()}): a type a user
 * registers there, e.g. {@code Models.register("MyNet", MyNet::fromConfig)}, is usable from every
 * YAML config read afterwards. Registration is safe from any thread.
 *
 * @param <T> what the registry builds
 */
public final class Registry<T> {
  private final String kind;
  private final Map<String, Function<ConfigMap, ? extends T>> builders =
      Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<String, String> aliases = Collections.synchronizedMap(new LinkedHashMap<>());

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

  /** The registered type names, in registration order (a snapshot). */
  public Set<String> types() {
    synchronized (builders) {
      return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(builders.keySet()));
    }
  }

  /** A registry with the same types and aliases, to change without touching this one. */
  public Registry<T> copy() {
    Registry<T> copy = new Registry<>(kind);
    synchronized (builders) {
      copy.builders.putAll(builders);
    }
    synchronized (aliases) {
      copy.aliases.putAll(aliases);
    }
    return copy;
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
      Set<String> known = types();
      String closest = Suggest.closest(type, known);
      throw config.error(
          "type",
          "unknown "
              + kind
              + " type '"
              + type
              + "'"
              + (closest == null ? "" : " (did you mean '" + closest + "'?)")
              + "; supported: "
              + String.join(", ", known));
    }
    return builder.apply(config);
  }
}
