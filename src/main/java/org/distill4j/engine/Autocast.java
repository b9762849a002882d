package org.distill4j.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Optional;
import org.distill4j.config.Amp;
import org.distill4j.config.ConfigException;

/**
 * The precision that the model's convolutions use on this thread, as a scope, the way PyTorch's
 * {@code torch.autocast} is one:
 *
 * <pre>{@code
 * try (Autocast scope = Autocast.scope(Amp.BF16)) {
 *   logits = model.block().forward(parameters, new NDList(images), true);
 * }
 * }</pre>
 *
 * <p>Only the layers that ask change: {@code models.layers.AutocastConv2d}, the convolution of
 * every distill4j model, computes in bfloat16 and hands its bfloat16 result on, as PyTorch's
 * autocast does; BatchNorm (float32 statistics and parameters), ReLU, pooling and concatenations
 * take it as it comes. It becomes float32 again ({@link #float32}) at a backbone's residual sums
 * (unlike autocast: a ResNet50's residual path carried in bfloat16 cost accuracy) and where an
 * activation leaves those layers: before a resize (a stricter choice than autocast, which resizes
 * in bfloat16 on the CPU: the logits' last resize feeds the loss), when a tap is recorded, between
 * the steps of a {@code SequentialSegNet}, and for the model's output, which the training step
 * converts. The backward pass replays what autograd recorded: it may run after the scope is closed
 * and still computes in the types of the forward pass.
 *
 * <p>A model whose weights do not change (a distillation's frozen teacher) opens its scope with
 * {@link #scope(Amp, FrozenWeights)}: a convolution followed by a batch norm then computes as one
 * convolution with the batch norm folded in ({@link #frozenWeights()}), and in bf16 its
 * convolutions take bfloat16 copies of their weights made once, instead of rounding them at every
 * call.
 *
 * <p>A block of one's own that follows a distill4j layer inside a bf16 scope may get a bfloat16
 * array (DJL reports its type as {@code UNKNOWN}); {@link #float32} makes it float32.
 */
public final class Autocast implements AutoCloseable {
  private static final State OUTSIDE = new State(Amp.NONE, null);
  private static final ThreadLocal<State> CURRENT = ThreadLocal.withInitial(() -> OUTSIDE);

  /**
   * How much slower than float32 bf16 computes where libtorch has no oneDNN bfloat16 convolutions
   * (measured: docs/performance.md, "bf16 on CPUs without bfloat16 instructions").
   */
  static final String REFERENCE_KERNEL_SLOWDOWN = "14 to 35 times";

  /**
   * How much longer than in float32 a bf16 step takes where oneDNN emulates bfloat16 instructions
   * (measured: docs/performance.md, "bf16 on CPUs without bfloat16 instructions").
   */
  static final String EMULATED_SLOWDOWN = "2 to 2.5 times";

  private final State previous;
  private boolean closed;

  /**
   * A scope's precision and, for a frozen model, what is derived once from its weights (or null).
   */
  private record State(Amp amp, FrozenWeights frozen) {}

  private Autocast(State previous) {
    this.previous = previous;
  }

  /**
   * Makes {@code amp} this thread's precision until {@link #close()}, which restores the previous
   * one (scopes nest).
   *
   * @throws ConfigException when this engine cannot compute in {@code amp}
   */
  public static Autocast scope(Amp amp) {
    return scope(amp, null);
  }

  /**
   * {@link #scope(Amp)} for a forward pass of a model whose weights do not change: in a bf16 scope
   * its convolutions take the bfloat16 copies of their weights from {@code frozen} (made once, then
   * reused) instead of rounding the float32 weights at every call, the same numbers either way (the
   * same rounding of the same weights); its layers that ask ({@link #frozenWeights()}) fold their
   * batch norms into their convolutions once.
   *
   * @param frozen the model's derived weights, or null for none (a model whose weights may change)
   */
  public static Autocast scope(Amp amp, FrozenWeights frozen) {
    requireAvailable(amp);
    Autocast scope = new Autocast(CURRENT.get());
    CURRENT.set(new State(amp, frozen));
    return scope;
  }

  /** This thread's precision: {@link Amp#NONE} outside any scope. */
  public static Amp current() {
    return CURRENT.get().amp();
  }

  /** True inside a {@link Amp#BF16} scope on this thread (what layers ask). */
  public static boolean bf16() {
    return CURRENT.get().amp() == Amp.BF16;
  }

  /**
   * The weight (or bias) a bf16 convolution computes with: its bfloat16 copy from the scope's
   * {@link FrozenWeights} when the scope has one, else {@code w} itself, which the convolution
   * rounds.
   */
  public static NDArray convWeight(NDArray w) {
    FrozenWeights frozen = CURRENT.get().frozen();
    return frozen == null ? w : frozen.bf16(w);
  }

  /**
   * The {@link FrozenWeights} of this thread's scope: non-null only inside the forward pass of a
   * model whose weights do not change.
   */
  public static FrozenWeights frozenWeights() {
    return CURRENT.get().frozen();
  }

  /**
   * True when {@code x} holds bfloat16 numbers, as the activations of a bf16 scope may. DJL 0.36
   * has no entry for bfloat16 in its native type table and reports such a tensor as {@link
   * DataType#UNKNOWN} (as it would the few other types it lacks, which no model here computes).
   */
  public static boolean isBf16(NDArray x) {
    return x.getDataType() == DataType.UNKNOWN;
  }

  /**
   * {@code x} itself, or its float32 copy when it is bfloat16 (a layer computed it in a bf16
   * scope). Recorded by autograd; the copy lives in {@code x}'s manager.
   */
  public static NDArray float32(NDArray x) {
    if (!isBf16(x)) {
      return x;
    }
    // Without the kernels nothing here makes a bfloat16 array: x is some other type, left as is.
    ScriptedOps kernels = ScriptedOps.get();
    return kernels == null ? x : kernels.toFloat32(x);
  }

  /** {@link #float32} of each array of {@code list}, in place; returns {@code list}. */
  public static NDList float32(NDList list) {
    for (int i = 0; i < list.size(); i++) {
      list.set(i, float32(list.get(i)));
    }
    return list;
  }

  /**
   * Checks before a run starts that {@code amp} can be used here.
   *
   * @throws ConfigException in one line with the reason, for bf16 without the scripted kernels
   */
  public static void requireAvailable(Amp amp) {
    if (amp == Amp.BF16 && ScriptedOps.get() == null) {
      throw new ConfigException(
          "amp: bf16 needs distill4j's TorchScript kernels, which are unavailable here ("
              + ScriptedOps.unavailableReason()
              + "); use amp: none");
    }
  }

  /**
   * Checks before a run starts that {@code amp} can be used on {@code devices}, where the run
   * computes in it, and says where it computes slower than float32.
   *
   * @param key the config key that chose {@code amp} ({@code amp}, {@code teacher_amp}), for the
   *     messages
   * @return a warning for bf16 on a CPU whose oneDNN kernels emulate bfloat16 instructions ({@link
   *     Bf16OnCpu#EMULATED}); empty elsewhere
   * @throws ConfigException in one line, as {@link #requireAvailable}, and for bf16 on a CPU where
   *     libtorch has no oneDNN bfloat16 convolutions ({@link Bf16OnCpu#REFERENCE_KERNEL})
   */
  public static Optional<String> requireUsable(String key, Amp amp, Device... devices) {
    requireAvailable(amp);
    if (amp != Amp.BF16 || !onCpu(devices)) {
      return Optional.empty();
    }
    return onCpu(key, Bf16OnCpu.here(), Bf16OnCpu.isaLimit(System.getenv()));
  }

  /** True when one of {@code devices} is the CPU. */
  static boolean onCpu(Device... devices) {
    return Arrays.stream(devices).anyMatch(d -> Device.Type.CPU.equals(d.getDeviceType()));
  }

  /**
   * {@link #requireUsable}'s verdict for bf16 on a CPU of the case {@code cpu}, with oneDNN's
   * instruction-set limit where the environment sets one (named in the messages: a user may have
   * set it and forgotten).
   */
  static Optional<String> onCpu(String key, Bf16OnCpu cpu, Optional<Bf16OnCpu.IsaLimit> isaLimit) {
    String limit = isaLimit.map(l -> "; " + l + " is set").orElse("");
    switch (cpu) {
      case REFERENCE_KERNEL:
        throw new ConfigException(
            key
                + ": bf16 on this CPU: libtorch has no oneDNN bfloat16 convolutions here (they need"
                + " AVX-512"
                + limit
                + ") and would compute them with its reference kernel, "
                + REFERENCE_KERNEL_SLOWDOWN
                + " slower than float32 (measured); use "
                + key
                + ": none");
      case EMULATED:
        return Optional.of(
            key
                + ": bf16 on a CPU without bfloat16 instructions (avx512_bf16, amx_bf16"
                + limit
                + "): oneDNN emulates them, and a step takes "
                + EMULATED_SLOWDOWN
                + " as long as in float32 (measured); "
                + key
                + ": none is faster");
      default:
        return Optional.empty();
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      CURRENT.set(previous);
    }
  }
}
