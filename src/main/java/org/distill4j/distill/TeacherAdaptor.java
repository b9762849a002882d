package org.distill4j.distill;

import java.util.Map;

/**
 * The teacher's side of an intermediate-tensor distillation; see {@link StudentAdaptor}. The
 * teacher's tensors are recorded during its frozen, gradient-free forward pass.
 */
public class TeacherAdaptor extends Adaptor {
  public TeacherAdaptor() {
    super();
  }

  public TeacherAdaptor(Map<String, String> mapping) {
    super(mapping);
  }

  @Override
  public final String role() {
    return "teacher";
  }
}
