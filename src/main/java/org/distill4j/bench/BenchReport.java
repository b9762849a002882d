package org.distill4j.bench;

import com.google.gson.GsonBuilder;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The measurements of one benchmark run, in the order taken: each entry a name and either a {@link
 * Samples} (milliseconds) or a single number. Printed as a table or as JSON.
 */
public final class BenchReport {
  private final Map<String, Object> context = new LinkedHashMap<>();
  private final Map<String, Object> results = new LinkedHashMap<>();

  /** A fact about the run (machine, versions, settings). */
  public void context(String name, Object value) {
    context.put(name, value);
  }

  /** A timing in milliseconds with its spread. */
  public void timing(String name, Samples samples) {
    results.put(name, samples);
  }

  /** A single measured number. */
  public void value(String name, double value) {
    results.put(name, value);
  }

  public Map<String, Object> results() {
    return results;
  }

  /** One line per measurement. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    context.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "# %s: %s%n", k, v)));
    sb.append(
        String.format(
            Locale.ROOT, "%-44s %10s %10s %10s %6s%n", "measurement", "median", "p10", "p90", "n"));
    results.forEach(
        (k, v) -> {
          if (v instanceof Samples s) {
            sb.append(
                String.format(
                    Locale.ROOT,
                    "%-44s %10.1f %10.1f %10.1f %6d%n",
                    k,
                    s.median(),
                    s.p10(),
                    s.p90(),
                    s.count()));
          } else {
            sb.append(String.format(Locale.ROOT, "%-44s %10.2f%n", k, (Double) v));
          }
        });
    return sb.toString();
  }

  /** {@code {"context": {...}, "results": {...}}}; timings as objects with median, p10, p90. */
  public String toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("context", context);
    root.put("results", results);
    return new GsonBuilder()
        .setPrettyPrinting()
        .serializeSpecialFloatingPointValues()
        .create()
        .toJson(root);
  }
}
