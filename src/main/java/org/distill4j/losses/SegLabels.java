package org.distill4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Label handling shared by the losses: shape checks, the ignore mask, and a gather-safe copy of the
 * labels in which ignored pixels point at class 0 (they are masked out afterwards).
 */
final class SegLabels {
  private SegLabels() {}

  /** Labels as int64 {@code (N, H, W)} matching the spatial shape of {@code logits}. */
  static NDArray normalize(NDArray labels, Shape logitShape, String lossName) {
    if (logitShape.dimension() != 4) {
      throw new IllegalArgumentException(
          lossName + ": expected logits of shape (N, C, H, W), got " + logitShape);
    }
    Shape labelShape = labels.getShape();
    NDArray squeezed = labels;
    if (labelShape.dimension() == 4 && labelShape.get(1) == 1) {
      squeezed = labels.squeeze(1);
      labelShape = squeezed.getShape();
    }
    Shape expected = new Shape(logitShape.get(0), logitShape.get(2), logitShape.get(3));
    if (!labelShape.equals(expected)) {
      throw new IllegalArgumentException(
          lossName
              + ": labels of shape "
              + labels.getShape()
              + " do not match logits "
              + logitShape
              + "; expected "
              + expected);
    }
    DataType type = squeezed.getDataType();
    if (type != DataType.INT32 && type != DataType.INT64 && type != DataType.UINT8) {
      throw new IllegalArgumentException(
          lossName + ": labels must be integer class ids (int32 or int64), got " + type);
    }
    return type == DataType.INT64 ? squeezed : squeezed.toType(DataType.INT64, false);
  }

  /** 1 where the label counts, 0 where it equals {@code ignoreIndex}; float32. */
  static NDArray validMask(NDArray labels64, int ignoreIndex) {
    return labels64.neq(ignoreIndex).toType(DataType.FLOAT32, false);
  }

  /**
   * The labels with ignored pixels replaced by 0, so that they can index the class axis. Fails with
   * the offending value when a counted label lies outside {@code [0, numClasses)}.
   */
  static NDArray safeIndex(NDArray labels64, NDArray mask, int numClasses, String lossName) {
    NDArray index = labels64.mul(mask.toType(DataType.INT64, false));
    long max;
    long min;
    try (NDArray maxArray = index.max();
        NDArray minArray = index.min()) {
      max = maxArray.getLong();
      min = minArray.getLong();
    }
    if (max >= numClasses || min < 0) {
      long bad = max >= numClasses ? max : min;
      throw new IllegalArgumentException(
          lossName
              + ": label value "
              + bad
              + " is outside the "
              + numClasses
              + " classes [0, "
              + (numClasses - 1)
              + "] and is not the ignore index");
    }
    return index;
  }
}
