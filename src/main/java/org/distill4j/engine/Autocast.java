package org.distill4j.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
  private static final Path CPU_INFO = Paths.get("/proc/cpuinfo");

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
   * {@link #cpuWarning(Amp)} when one of {@code devices} (where a run computes in {@code amp}) is
   * the CPU; empty for GPUs only.
   */
  public static Optional<String> cpuWarning(Amp amp, Device... devices) {
    return onCpu(devices) ? cpuWarning(amp) : Optional.empty();
  }

  /** True when one of {@code devices} is the CPU. */
  static boolean onCpu(Device... devices) {
    return Arrays.stream(devices).anyMatch(d -> Device.Type.CPU.equals(d.getDeviceType()));
  }

  /**
   * A warning for bf16 on a CPU without bfloat16 instructions (AVX512_BF16 or AMX-BF16), where
   * libtorch converts in software and a step is slower than in float32; empty elsewhere, and where
   * the CPU cannot be inspected (not Linux).
   */
  public static Optional<String> cpuWarning(Amp amp) {
    if (amp != Amp.BF16 || !Files.isReadable(CPU_INFO)) {
      return Optional.empty();
    }
    try {
      return cpuWarning(amp, Files.readString(CPU_INFO, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** {@link #cpuWarning(Amp)} for the text of a {@code /proc/cpuinfo}. */
  static Optional<String> cpuWarning(Amp amp, String cpuInfo) {
    if (amp != Amp.BF16) {
      return Optional.empty();
    }
    for (String line : cpuInfo.split("\n")) {
      if (line.startsWith("flags")) {
        String flags = " " + line.substring(line.indexOf(':') + 1).trim() + " ";
        if (flags.contains(" avx512_bf16 ") || flags.contains(" amx_bf16 ")) {
          return Optional.empty();
        }
        return Optional.of(
            "this CPU has no bfloat16 instructions (avx512_bf16, amx_bf16): libtorch emulates"
                + " them, and bf16 computes slower than float32 here");
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      CURRENT.set(previous);
    }
  }
}
