package org.distill4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Collection;
import java.util.Map;
import org.distill4j.models.SegmentationModel;
import org.distill4j.models.TapRecorder;

/**
 * A trained model used only to teach: inference mode (BatchNorm on its running statistics, no
 * dropout), parameters frozen so no gradient is ever attached to them, and forward passes made
 * outside any gradient collector so they record no autograd graph and keep no activations beyond
 * the outputs and tapped tensors asked for.
 */
public final class FrozenTeacher {
  private final SegmentationModel model;
  private final TapRecorder recorder;

  /**
   * @param model an initialised model holding the teacher's trained weights
   * @param taps the tap paths to record on every forward pass (may be empty)
   */
  public FrozenTeacher(SegmentationModel model, Collection<String> taps) {
    this.model = model;
    this.recorder = taps.isEmpty() ? null : new TapRecorder(taps);
    for (Pair<String, Parameter> p : model.block().getParameters()) {
      p.getValue().freeze(true);
    }
  }

  public SegmentationModel model() {
    return model;
  }

  /**
   * Runs the teacher on {@code images}. The results live in the images' manager.
   *
   * @return the logits and the recorded tensors (empty map when no taps were asked for)
   */
  public Output forward(NDArray images) {
    ParameterStore store = new ParameterStore(images.getManager(), false);
    NDList logits;
    if (recorder == null) {
      logits = model.block().forward(store, new NDList(images), false);
      return new Output(logits, Map.of());
    }
    try (SegmentationModel.Recording r = model.record(recorder)) {
      logits = model.block().forward(store, new NDList(images), false);
    }
    Map<String, NDArray> tensors = Map.copyOf(recorder.all());
    recorder.clear();
    return new Output(logits, tensors);
  }

  /** The teacher's logits and tapped tensors for one batch. */
  public record Output(NDList logits, Map<String, NDArray> tensors) {}
}
