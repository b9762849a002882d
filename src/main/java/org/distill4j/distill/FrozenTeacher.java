package org.distill4j.distill;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.distill4j.config.Amp;
import org.distill4j.engine.Autocast;
import org.distill4j.engine.Convolutions;
import org.distill4j.engine.FrozenWeights;
import org.distill4j.models.SegmentationModel;
import org.distill4j.models.TapRecorder;

/**
 * A trained model used only to teach: inference mode (BatchNorm on its running statistics, no
 * dropout), parameters frozen so no gradient is ever attached to them, and forward passes made
 * outside any gradient collector so they record no autograd graph and keep no activations beyond
 * the outputs and tapped tensors asked for.
 *
 * <p>With data-parallel training each device's shard is taught on its own device: the first forward
 * pass on a device other than the one holding the weights copies them there once (through a {@link
 * ParameterStore} kept per device, whose copies are frozen too), and later passes reuse that copy.
 * The weights never change, so the copies never go stale.
 *
 * <p>Each convolution and the batch norm after it compute as one convolution with the batch norm
 * folded in (one pass over the activations less per layer; in float32 the same numbers as the two
 * steps within rounding). Precision ({@code teacher_amp}): float32 by default; with {@link
 * Amp#BF16} its convolutions compute in bfloat16 as in an {@code amp: bf16} forward pass (see
 * {@link Autocast}), with their (folded) weights rounded to bfloat16 once instead of at every pass.
 * Both are made on the first pass and kept ({@link FrozenWeights}): the weights never change. The
 * logits and recorded tensors it hands out are float32 either way.
 */
public final class FrozenTeacher implements TeacherOutputs {
  private final SegmentationModel model;
  private final TapRecorder recorder;
  private final Map<Device, ParameterStore> mirrors = new ConcurrentHashMap<>();
  private final Amp precision;
  private final FrozenWeights frozenWeights = new FrozenWeights();

  /**
   * A teacher computing in float32.
   *
   * @param model an initialised model holding the teacher's trained weights
   * @param taps the tap paths to record on every forward pass (may be empty)
   */
  public FrozenTeacher(SegmentationModel model, Collection<String> taps) {
    this(model, taps, Amp.NONE);
  }

  /**
   * @param model an initialised model holding the teacher's trained weights
   * @param taps the tap paths to record on every forward pass (may be empty)
   * @param precision {@link Amp#NONE} (float32) or {@link Amp#BF16}
   * @throws org.distill4j.config.ConfigException when this engine cannot compute in {@code
   *     precision}, or only with libtorch's reference kernel (bf16 on a CPU without AVX-512)
   */
  public FrozenTeacher(SegmentationModel model, Collection<String> taps, Amp precision) {
    // Refused where this CPU would compute bf16 with libtorch's reference kernel; a warning for
    // emulated bfloat16 is the business of whoever chose the precision (DistillSetup prints it).
    Autocast.requireUsable("teacher_amp", precision, model.manager().getDevice());
    this.model = model;
    this.recorder = taps.isEmpty() ? null : new TapRecorder(taps);
    this.precision = precision;
    for (Pair<String, Parameter> p : model.block().getParameters()) {
      p.getValue().freeze(true);
    }
  }

  public SegmentationModel model() {
    return model;
  }

  /** The precision its forward passes compute in. */
  public Amp precision() {
    return precision;
  }

  /**
   * How its forward passes compute, in words: the precision and what else changes the numbers they
   * give (part of a teacher-output cache's fingerprint, so a cache made by a teacher computing
   * otherwise is rebuilt). Teachers fold their batch norms into their convolutions, and give
   * libtorch's fallback convolutions to oneDNN (one image, or one intra-op thread: {@code
   * engine.FallbackRoute}); caches made before either are rebuilt for it.
   */
  public String computation() {
    String folded =
        "batch norms folded into their convolutions, fallback-kernel convolutions on oneDNN";
    return precision == Amp.BF16
        ? "teacher_amp bf16, " + folded + ", weights rounded to bfloat16 once"
        : "float32, " + folded;
  }

  /**
   * The convolutions a forward pass of this teacher makes for inputs of shape {@code input}, as it
   * computes them (each batch norm folded into its convolution, which then has a bias): what {@code
   * check --kernels} audits for a distillation.
   */
  public Set<Convolutions.Call> convolutionCalls(Shape input) {
    try (Autocast scope = Autocast.scope(precision, frozenWeights)) {
      return model.convolutionCalls(input);
    }
  }

  /** The tap names recorded on every forward pass (the keys of {@link Output#tensors()}). */
  public Set<String> taps() {
    return recorder == null ? Set.of() : recorder.requested();
  }

  /**
   * Runs the teacher on {@code images}. The results live in the images' manager.
   *
   * @return the logits and the recorded tensors (empty map when no taps were asked for)
   */
  @Override
  public Output forward(NDArray images) {
    ParameterStore store = storeFor(images);
    NDList logits;
    if (recorder == null) {
      logits = forward(store, images);
      return new Output(logits, Map.of());
    }
    try (SegmentationModel.Recording r = model.record(recorder)) {
      logits = forward(store, images);
    }
    Map<String, NDArray> tensors = Map.copyOf(recorder.all());
    recorder.clear();
    return new Output(logits, tensors);
  }

  /** One forward pass in this teacher's precision, float32 logits out. */
  private NDList forward(ParameterStore store, NDArray images) {
    // A scope of its own also when float32: a teacher called inside a student's bf16 scope stays
    // float32.
    try (Autocast scope = Autocast.scope(precision, frozenWeights)) {
      return Autocast.float32(model.block().forward(store, new NDList(images), false));
    }
  }

  /**
   * On the weights' own device a throw-away store that hands out the weights themselves; on any
   * other device a long-lived store holding copies, made on first use and freed with the model's
   * manager.
   */
  private ParameterStore storeFor(NDArray images) {
    Device device = images.getDevice();
    if (device.equals(model.manager().getDevice())) {
      return new ParameterStore(images.getManager(), false);
    }
    return mirrors.computeIfAbsent(
        device, d -> new ParameterStore(model.manager().newSubManager(d), false));
  }

  /** The teacher's logits and tapped tensors for one batch. */
  public record Output(NDList logits, Map<String, NDArray> tensors) {}
}
