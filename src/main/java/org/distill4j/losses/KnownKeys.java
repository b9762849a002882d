package org.distill4j.losses;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.Suggest;

/** Rejects misspelled config keys, the way PaddleSeg rejects unexpected keyword arguments. */
final class KnownKeys {
  private KnownKeys() {}

  static void check(ConfigMap config, String... known) {
    Set<String> knownSet = new LinkedHashSet<>(Arrays.asList(known));
    knownSet.add("type");
    for (String key : config.unknownKeys(knownSet)) {
      String closest = Suggest.closest(key, knownSet);
      throw config.error(
          key,
          "unknown key for "
              + config.optString("type", "this component")
              + (closest == null ? "" : " (did you mean '" + closest + "'?)")
              + "; known keys: "
              + String.join(", ", knownSet));
    }
  }
}
