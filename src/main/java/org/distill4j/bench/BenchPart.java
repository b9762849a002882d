package org.distill4j.bench;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.distill4j.config.ConfigException;

/**
 * The measurements {@link Benchmark} can make; {@code bench --only train_teacher,inference} makes
 * just those (a scaling sweep over sizes and batches needs only the training steps, and each
 * measurement left out saves a model build and its steps).
 */
public enum BenchPart {
  TRAIN_STUDENT,
  TRAIN_TEACHER,
  DISTILL,
  DISTILL_FEATURES,
  CACHE,
  INFERENCE,
  EVAL,
  LOADER;

  /** The name on the command line: {@code train_student}, {@code distill_features}, ... */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The parts named in a comma-separated list, in this enum's order.
   *
   * @throws ConfigException naming the unknown part and the known ones
   */
  public static Set<BenchPart> parseList(String list) {
    Set<BenchPart> parts = EnumSet.noneOf(BenchPart.class);
    for (String item : list.split(",", -1)) {
      String id = item.strip();
      BenchPart part =
          Arrays.stream(values())
              .filter(p -> p.id().equals(id))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ConfigException(
                          "bench: --only: unknown part '"
                              + id
                              + "'; use a comma-separated list of "
                              + Arrays.stream(values())
                                  .map(BenchPart::id)
                                  .collect(Collectors.joining(", "))));
      parts.add(part);
    }
    return parts;
  }
}
