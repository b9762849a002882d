package org.distill4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distill4j.engine.OwnedArrays;
import org.distill4j.losses.DistillLossMix;
import org.distill4j.losses.LossMix;
import org.distill4j.train.TrainingObjective;

/**
 * The distillation step's loss: the student's own loss against the labels, plus the output
 * distillation mix against the teacher's logits, plus every intermediate-tensor entry, each
 * weighted. The terms are logged separately as {@code out_loss}, {@code out_distill_loss} and
 * {@code feature_distill_loss}; {@code loss} is their sum.
 *
 * <p>The teacher runs in {@link #beforeForward}, outside the gradient collector. Its output is kept
 * for the images it was given and used by the {@link #compute} call for the same images, so a
 * data-parallel step may run the teacher on every device's shard before computing any shard's loss.
 */
public final class DistillObjective implements TrainingObjective {
  /** Name of the student's supervised term. */
  public static final String OUT_LOSS = "out_loss";

  /** Name of the output (logit) distillation term. */
  public static final String OUT_DISTILL_LOSS = "out_distill_loss";

  /** Name of the summed intermediate-tensor term. */
  public static final String FEATURE_DISTILL_LOSS = "feature_distill_loss";

  /** File-name prefix of the connectors in each checkpoint: {@code connector_<entry>.params}. */
  public static final String CONNECTOR_PREFIX = "connector_";

  private final FrozenTeacher teacher;
  private final LossMix studentLoss;
  private final DistillLossMix outputLoss;
  private final DistillSpec spec;
  private final List<Block> connectors;
  private final Map<NDArray, FrozenTeacher.Output> pending = new IdentityHashMap<>();
  private TeacherOutputs teacherOutputs;

  /**
   * @param outputLoss the logit distillation mix, or null for intermediate tensors only
   * @param connectors one per entry of {@code spec} (null where the entry has none), initialised
   */
  DistillObjective(
      FrozenTeacher teacher,
      LossMix studentLoss,
      DistillLossMix outputLoss,
      DistillSpec spec,
      List<Block> connectors) {
    this.teacher = teacher;
    this.studentLoss = studentLoss;
    this.outputLoss = outputLoss;
    this.spec = spec;
    this.connectors = new ArrayList<>(connectors);
    this.teacherOutputs = teacher;
  }

  /**
   * The tensor the loss of entry {@code entry} compares with the teacher's: the student's tensor
   * through the entry's trained connector (inference mode), or the tensor itself when the entry has
   * no connector. For looking at what a connector learned.
   */
  public NDArray connect(int entry, NDArray studentTensor) {
    if (entry < 0 || entry >= connectors.size()) {
      throw new IllegalArgumentException(
          "entry " + entry + " does not exist; there are " + connectors.size());
    }
    Block connector = connectors.get(entry);
    if (connector == null) {
      return studentTensor;
    }
    ParameterStore inference = new ParameterStore(studentTensor.getManager(), false);
    return connector.forward(inference, new NDList(studentTensor), false).singletonOrThrow();
  }

  /** Takes the teacher's outputs from {@code source} (a cache) instead of the teacher itself. */
  void useTeacherOutputs(TeacherOutputs source) {
    this.teacherOutputs = source;
  }

  @Override
  public void beforeForward(NDArray images) {
    // Outputs of a step that failed before its compute call belong to closed managers.
    pending.keySet().removeIf(NDArray::isReleased);
    pending.put(images, teacherOutputs.forward(images));
  }

  @Override
  public Map<String, NDArray> compute(Step step) {
    FrozenTeacher.Output teacherOutput = pending.remove(step.images());
    if (teacherOutput == null) {
      throw new IllegalStateException("beforeForward was not called for this batch");
    }
    Map<String, NDArray> terms = new LinkedHashMap<>();
    NDArray out = studentLoss.total(step.outputs(), step.labels());
    NDArray total = out;
    terms.put(OUT_LOSS, out);
    if (outputLoss != null) {
      NDArray kd =
          outputLoss.evaluate(step.outputs(), teacherOutput.logits(), step.labels()).total();
      terms.put(OUT_DISTILL_LOSS, kd);
      total = total.add(kd);
    }
    if (!spec.isEmpty()) {
      NDArray features = featureLoss(step, teacherOutput);
      terms.put(FEATURE_DISTILL_LOSS, features);
      total = total.add(features);
    }
    Map<String, NDArray> ordered = new LinkedHashMap<>();
    ordered.put(TOTAL, total);
    ordered.putAll(terms);
    return ordered;
  }

  private NDArray featureLoss(Step step, FrozenTeacher.Output teacherOutput) {
    NDArray sum = null;
    List<DistillEntry> entries = spec.entries();
    for (int i = 0; i < entries.size(); i++) {
      DistillEntry e = entries.get(i);
      NDArray s = step.taps().get(spec.studentAdaptor().tapFor(e.featureType(), e.studentIndex()));
      NDArray t =
          teacherOutput
              .tensors()
              .get(spec.teacherAdaptor().tapFor(e.featureType(), e.teacherIndex()));
      Block connector = connectors.get(i);
      if (connector != null) {
        s = connector.forward(step.parameters(), new NDList(s), true).singletonOrThrow();
      }
      NDArray term = OwnedArrays.mul(e.loss().evaluate(s, t, null), e.weight());
      sum = sum == null ? term : sum.add(term);
    }
    return sum;
  }

  @Override
  public Set<String> tapPaths() {
    return spec.studentTaps();
  }

  @Override
  public Map<String, Block> trainableBlocks() {
    Map<String, Block> out = new LinkedHashMap<>();
    for (int i = 0; i < connectors.size(); i++) {
      if (connectors.get(i) != null) {
        out.put(CONNECTOR_PREFIX + i, connectors.get(i));
      }
    }
    return out;
  }

  public FrozenTeacher teacher() {
    return teacher;
  }

  public DistillSpec spec() {
    return spec;
  }

  /** The connector of each entry (null where none), in entry order. */
  public List<Block> connectors() {
    return java.util.Collections.unmodifiableList(connectors);
  }

  /** Output shape check used at set-up: both shapes and paths in the message. */
  static void requireSameShape(DistillEntry e, String sPath, Shape s, String tPath, Shape t) {
    if (!s.equals(t)) {
      throw new org.distill4j.config.ConfigException(
          "distill: entry "
              + e
              + ": student tensor "
              + sPath
              + " has shape "
              + s
              + " but teacher tensor "
              + tPath
              + " has shape "
              + t
              + "; set connector: true on the entry (1x1 conv + BN, bilinear resize) or pick"
              + " tensors of equal shape");
    }
  }
}
