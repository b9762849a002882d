package org.distill4j.distill;

import ai.djl.ndarray.NDArray;

/**
 * Where a distillation step gets the teacher's logits and tapped tensors for a batch: the {@link
 * FrozenTeacher} itself, or a {@link TeacherOutputCache} of what it computed before.
 */
public interface TeacherOutputs {
  /**
   * The teacher's output for {@code images}; its arrays belong to the images' manager and record no
   * autograd graph.
   */
  FrozenTeacher.Output forward(NDArray images);
}
