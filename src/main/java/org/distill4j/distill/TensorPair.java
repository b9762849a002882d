package org.distill4j.distill;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.models.SegmentationModel;

/**
 * The two tensors one entry of a distill section compares: the student's and the teacher's tap
 * paths with their shapes for an input, found by a forward pass of each model. A distillation's
 * connectors are built from these shapes, and {@code check --kernels} audits their convolutions.
 *
 * @param entry the entry
 * @param studentPath the student tap the entry reads
 * @param student that tensor's shape
 * @param teacherPath the teacher tap the entry reads
 * @param teacher that tensor's shape
 */
public record TensorPair(
    DistillEntry entry, String studentPath, Shape student, String teacherPath, Shape teacher) {

  /**
   * One pair per entry of {@code spec}, in its order, for {@code input} (NCHW). An entry without a
   * connector must compare tensors of one shape; otherwise this refuses it in one line.
   *
   * @throws ConfigException when a tap produced no tensor, or when an entry without a connector
   *     compares tensors of different shapes
   */
  public static List<TensorPair> of(
      DistillSpec spec, SegmentationModel student, SegmentationModel teacher, Shape input) {
    List<TensorPair> pairs = new ArrayList<>();
    if (spec.isEmpty()) {
      return pairs;
    }
    Map<String, Shape> studentShapes = student.tapShapes(input);
    Map<String, Shape> teacherShapes = teacher.tapShapes(input);
    for (DistillEntry e : spec.entries()) {
      String sPath = spec.studentAdaptor().tapFor(e.featureType(), e.studentIndex());
      String tPath = spec.teacherAdaptor().tapFor(e.featureType(), e.teacherIndex());
      Shape s = shapeOf(studentShapes, student, sPath);
      Shape t = shapeOf(teacherShapes, teacher, tPath);
      if (!e.hasConnector()) {
        DistillObjective.requireSameShape(e, sPath, s, tPath, t);
      }
      pairs.add(new TensorPair(e, sPath, s, tPath, t));
    }
    return pairs;
  }

  private static Shape shapeOf(Map<String, Shape> shapes, SegmentationModel model, String path) {
    Shape s = shapes.get(model.resolveTapPath(path));
    if (s == null) {
      throw new ConfigException(
          "distill: tap '"
              + path
              + "' of "
              + model.name()
              + " produced no tensor in a forward pass");
    }
    return s;
  }
}
