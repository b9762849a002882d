package org.distill4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * A loss between student and teacher outputs of the same shape, optionally masked by the
 * ground-truth labels (pixels labelled with the ignore index do not count). The result is a scalar,
 * differentiable with respect to the student. The teacher is used as given: pass a teacher output
 * computed without gradient recording (or stopped) so that no gradient reaches it.
 */
public interface DistillLoss {

  /**
   * @param student student logits or features {@code (N, C, H, W)}
   * @param teacher teacher logits or features, same shape
   * @param labelsOrNull labels {@code (N, H, W)}, or null to average over every pixel
   */
  NDArray evaluate(NDArray student, NDArray teacher, NDArray labelsOrNull);

  /** The config type name, e.g. {@code KLLoss}. */
  String name();

  /** Fails with both shapes when student and teacher differ. */
  static void checkSameShape(String lossName, NDArray student, NDArray teacher) {
    if (!student.getShape().equals(teacher.getShape())) {
      throw new IllegalArgumentException(
          lossName
              + ": student "
              + student.getShape()
              + " and teacher "
              + teacher.getShape()
              + " must have the same shape");
    }
    if (student.getShape().dimension() != 4) {
      throw new IllegalArgumentException(
          lossName + ": expected (N, C, H, W) inputs, got " + student.getShape());
    }
  }
}
