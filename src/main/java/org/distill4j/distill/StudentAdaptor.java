package org.distill4j.distill;

import java.util.Map;

/**
 * The student's side of an intermediate-tensor distillation. Subclass it and override {@link
 * #mappingLayers()}, or pass the mapping directly:
 *
 * <pre>{@code
 * StudentAdaptor student = new StudentAdaptor(Map.of("hidden_0", "head.aspp"));
 * }</pre>
 */
public class StudentAdaptor extends Adaptor {
  public StudentAdaptor() {
    super();
  }

  public StudentAdaptor(Map<String, String> mapping) {
    super(mapping);
  }

  @Override
  public final String role() {
    return "student";
  }
}
