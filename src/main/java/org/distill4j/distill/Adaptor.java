package org.distill4j.distill;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.models.SegmentationModel;

/**
 * Names the intermediate tensors of one model that distillation compares. Each entry maps a feature
 * name such as {@code hidden_0} (feature type {@code hidden}, index 0) to where the tensor comes
 * from: a layer path whose output is captured during the forward pass ({@code head.aspp}, {@code
 * backbone.stage3}) or a name the model publishes during its forward pass ({@code
 * backbone.feat.3}). Both kinds are read through the model's taps, so the model code needs no
 * change.
 *
 * <p>Either pass the mapping to the constructor or subclass {@link StudentAdaptor} / {@link
 * TeacherAdaptor} and override {@link #mappingLayers()}.
 */
public abstract class Adaptor {
  private final Map<String, String> mapping;

  protected Adaptor() {
    this(Map.of());
  }

  protected Adaptor(Map<String, String> mapping) {
    this.mapping = new LinkedHashMap<>(mapping);
  }

  /** Which model this adaptor belongs to: {@code student} or {@code teacher}. */
  public abstract String role();

  /** Feature name ({@code <feature_type>_<index>}) to tap path or published tensor name. */
  public Map<String, String> mappingLayers() {
    return mapping;
  }

  /** The tap path behind {@code featureType_index}, or a ConfigException listing what exists. */
  public String tapFor(String featureType, int index) {
    String key = featureName(featureType, index);
    String path = mappingLayers().get(key);
    if (path == null) {
      throw new ConfigException(
          "distill: "
              + role()
              + "_adaptor has no feature '"
              + key
              + "'; it maps: "
              + (mappingLayers().isEmpty()
                  ? "nothing"
                  : String.join(", ", new TreeMap<>(mappingLayers()).keySet())));
    }
    return path;
  }

  /** Checks every mapped path against {@code model}; unknown paths list the nearest real ones. */
  public void checkAgainst(SegmentationModel model) {
    for (Map.Entry<String, String> e : mappingLayers().entrySet()) {
      try {
        model.checkTapPath(e.getValue());
      } catch (ConfigException ex) {
        throw new ConfigException(
            "distill: " + role() + "_adaptor." + e.getKey() + ": " + ex.getMessage());
      }
    }
  }

  static String featureName(String featureType, int index) {
    return featureType + "_" + index;
  }

  /** Reads a {@code {name: path}} mapping of a {@code *_adaptor} config section. */
  static Map<String, String> mappingFrom(ConfigMap section) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : section.keys()) {
      if (!key.matches("[A-Za-z][A-Za-z0-9]*_\\d+")) {
        throw section.error(
            key,
            "feature names look like <feature_type>_<index>, e.g. hidden_0; got '" + key + "'");
      }
      out.put(key, section.getString(key));
    }
    return out;
  }
}
