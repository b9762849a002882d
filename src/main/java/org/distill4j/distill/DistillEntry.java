package org.distill4j.distill;

import java.util.Objects;
import org.distill4j.losses.DistillLoss;

/**
 * One pair of intermediate tensors to compare: the student's {@code <featureType>_<studentIndex>}
 * against the teacher's {@code <featureType>_<teacherIndex>}, through {@code loss} scaled by {@code
 * weight}. With {@code connector} on, a trainable 1x1 conv + BatchNorm (when the channel counts
 * differ) and a bilinear resize (when the spatial sizes differ) map the student tensor to the
 * teacher's shape; without it the shapes must be equal.
 */
public final class DistillEntry {
  private final String featureType;
  private final int studentIndex;
  private final int teacherIndex;
  private final DistillLoss loss;
  private final double weight;
  private final boolean connector;

  private DistillEntry(Builder b) {
    this.featureType = b.featureType;
    this.studentIndex = b.studentIndex;
    this.teacherIndex = b.teacherIndex;
    this.loss = Objects.requireNonNull(b.loss, "DistillEntry needs a loss (setLoss)");
    this.weight = b.weight;
    this.connector = b.connector;
    if (studentIndex < 0 || teacherIndex < 0) {
      throw new IllegalArgumentException("feature indices must be >= 0");
    }
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("weight must be a finite number >= 0, got " + weight);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public String featureType() {
    return featureType;
  }

  public int studentIndex() {
    return studentIndex;
  }

  public int teacherIndex() {
    return teacherIndex;
  }

  public DistillLoss loss() {
    return loss;
  }

  public double weight() {
    return weight;
  }

  public boolean hasConnector() {
    return connector;
  }

  /** The student's feature name, e.g. {@code hidden_0}. */
  public String studentFeature() {
    return Adaptor.featureName(featureType, studentIndex);
  }

  /** The teacher's feature name, e.g. {@code hidden_0}. */
  public String teacherFeature() {
    return Adaptor.featureName(featureType, teacherIndex);
  }

  @Override
  public String toString() {
    return String.format(
        "%s(student %s, teacher %s, weight %s%s)",
        loss.name(), studentFeature(), teacherFeature(), weight, connector ? ", connector" : "");
  }

  /** Builder for {@link DistillEntry}; defaults: feature type {@code hidden}, index 0, weight 1. */
  public static final class Builder {
    private String featureType = "hidden";
    private int studentIndex;
    private int teacherIndex;
    private DistillLoss loss;
    private double weight = 1.0;
    private boolean connector;

    private Builder() {}

    public Builder optFeatureType(String featureType) {
      this.featureType = featureType;
      return this;
    }

    /** The student and teacher feature indices ({@code s_feature_idx}, {@code t_feature_idx}). */
    public Builder setIndices(int studentIndex, int teacherIndex) {
      this.studentIndex = studentIndex;
      this.teacherIndex = teacherIndex;
      return this;
    }

    public Builder setLoss(DistillLoss loss) {
      this.loss = loss;
      return this;
    }

    public Builder optWeight(double weight) {
      this.weight = weight;
      return this;
    }

    /** Adds a trainable connector that maps the student tensor to the teacher's shape. */
    public Builder optConnector(boolean connector) {
      this.connector = connector;
      return this;
    }

    public DistillEntry build() {
      return new DistillEntry(this);
    }
  }
}
