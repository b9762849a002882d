package org.distill4j.distill;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.Registry;
import org.distill4j.losses.DistillLoss;

/**
 * What intermediate tensors to distill: the two adaptors and the entries pairing their features.
 * Built from a config's {@code distill:} section or in Java:
 *
 * <pre>{@code
 * distill:
 *   student_adaptor: {hidden_0: head.aspp}
 *   teacher_adaptor: {hidden_0: head.aspp}
 *   entries:
 *     - feature_type: hidden
 *       s_feature_idx: 0
 *       t_feature_idx: 0
 *       loss_function: SegChannelwiseLoss      # or {type: SegChannelwiseLoss, tau: 4}
 *       weight: 1.0
 *       connector: false                       # true: 1x1 conv + BN / resize when shapes differ
 * }</pre>
 */
public final class DistillSpec {
  private final StudentAdaptor student;
  private final TeacherAdaptor teacher;
  private final List<DistillEntry> entries;

  public DistillSpec(StudentAdaptor student, TeacherAdaptor teacher, List<DistillEntry> entries) {
    this.student = Objects.requireNonNull(student, "student adaptor");
    this.teacher = Objects.requireNonNull(teacher, "teacher adaptor");
    this.entries = List.copyOf(entries);
    for (DistillEntry e : entries) {
      // Fail now, not at the first iteration, when an entry names a feature nobody maps.
      student.tapFor(e.featureType(), e.studentIndex());
      teacher.tapFor(e.featureType(), e.teacherIndex());
    }
  }

  /** No intermediate tensors: output distillation only. */
  public static DistillSpec none() {
    return new DistillSpec(new StudentAdaptor(), new TeacherAdaptor(), List.of());
  }

  /** Parses a {@code distill:} section; {@code losses} builds each entry's loss_function. */
  public static DistillSpec fromConfig(ConfigMap section, Registry<DistillLoss> losses) {
    section.requireKnownKeys("student_adaptor", "teacher_adaptor", "entries");
    StudentAdaptor student =
        new StudentAdaptor(
            section.optMap("student_adaptor").map(Adaptor::mappingFrom).orElse(Map.of()));
    TeacherAdaptor teacher =
        new TeacherAdaptor(
            section.optMap("teacher_adaptor").map(Adaptor::mappingFrom).orElse(Map.of()));
    List<DistillEntry> entries = new ArrayList<>();
    for (ConfigMap entry : section.optMapList("entries")) {
      entries.add(entryFrom(entry, losses));
    }
    try {
      return new DistillSpec(student, teacher, entries);
    } catch (org.distill4j.config.ConfigException e) {
      throw new org.distill4j.config.ConfigException(
          section.file() + ": " + section.path() + ": " + e.getMessage());
    }
  }

  private static DistillEntry entryFrom(ConfigMap entry, Registry<DistillLoss> losses) {
    entry.requireKnownKeys(
        "feature_type", "s_feature_idx", "t_feature_idx", "loss_function", "weight", "connector");
    Object lossSpec = entry.get("loss_function");
    DistillLoss loss;
    if (lossSpec instanceof String name) {
      loss =
          losses.build(
              new ConfigMap(Map.of("type", name), entry.childPath("loss_function"), entry.file()));
    } else if (lossSpec instanceof Map) {
      loss = losses.build(entry.getMap("loss_function"));
    } else {
      throw entry.error(
          "loss_function",
          "expected a loss type name or a mapping with 'type'; valid types: "
              + String.join(", ", losses.types()));
    }
    int s = entry.optInt("s_feature_idx", 0);
    int t = entry.optInt("t_feature_idx", 0);
    if (s < 0 || t < 0) {
      throw entry.error(s < 0 ? "s_feature_idx" : "t_feature_idx", "must be >= 0");
    }
    double weight = entry.optDouble("weight", 1.0);
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw entry.error("weight", "must be a finite number >= 0, got " + weight);
    }
    return DistillEntry.builder()
        .optFeatureType(entry.optString("feature_type", "hidden"))
        .setIndices(s, t)
        .setLoss(loss)
        .optWeight(weight)
        .optConnector(entry.optBoolean("connector", false))
        .build();
  }

  public StudentAdaptor studentAdaptor() {
    return student;
  }

  public TeacherAdaptor teacherAdaptor() {
    return teacher;
  }

  public List<DistillEntry> entries() {
    return entries;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The student tap paths the entries read. */
  public Set<String> studentTaps() {
    Set<String> out = new LinkedHashSet<>();
    entries.forEach(e -> out.add(student.tapFor(e.featureType(), e.studentIndex())));
    return out;
  }

  /** The teacher tap paths the entries read. */
  public Set<String> teacherTaps() {
    Set<String> out = new LinkedHashSet<>();
    entries.forEach(e -> out.add(teacher.tapFor(e.featureType(), e.teacherIndex())));
    return out;
  }
}
