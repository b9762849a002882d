package org.distill4j.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.distill4j.config.Amp;

/**
 * Checks, on this machine, that the convolutions a model makes ({@link Convolutions#recordCalls})
 * compute what they should: each shape's output and gradients, computed the way training computes
 * them ({@link Convolutions#conv2d}, float32 and optionally bfloat16) a few times, against the same
 * convolution in float64 on the CPU, written out as a sum over the kernel's taps ({@link TapSum}:
 * slices and matrix products, none of libtorch's convolution kernels). {@code check --kernels} runs
 * it.
 *
 * <p>Why: libtorch 2.7.1's oneDNN kernels have been seen computing some convolutions wrongly on one
 * CPU (docs/reliability.md, "Convolutions that libtorch gets wrong on one CPU") - in bfloat16,
 * which {@link ScriptedOps#bf16KernelAgrees} catches at run time, and in float32 for some channel
 * counts, which nothing checks at run time (a float64 reference per shape is too slow for every
 * start). A model with other channel counts than the tutorial's, or another CPU, may meet them;
 * training would then learn from wrong numbers without a sign.
 *
 * <p>The operands are fixed probe values (sines, exact in bfloat16, so the float64 reference is the
 * sum a bfloat16 kernel should compute too), the output's gradient 0 to 6 by position (see {@link
 * ConvGradients}). A result is wrong when its largest error exceeds a fraction of its largest
 * value: {@link #FLOAT32_TOLERANCE} in float32 (a right kernel is within about 1e-5; {@link
 * #GPU_FLOAT32_TOLERANCE} on a GPU, for TF32), {@link #BF16_OUTPUT_TOLERANCE} and {@link
 * #BF16_GRADIENT_TOLERANCE} in bfloat16 (8 significant bits: a right kernel is within a few tenths
 * of a percent). The wrong kernels seen were off by tens of percent.
 */
public final class KernelAudit {
  /** A float32 result's largest allowed error, as a fraction of its largest value. */
  public static final double FLOAT32_TOLERANCE = 1e-3;

  /**
   * A float32 result's largest allowed error on a GPU: libtorch lets cuDNN compute float32
   * convolutions in TF32 (10 significant bits) on GPUs from NVIDIA's Ampere on, by default.
   */
  public static final double GPU_FLOAT32_TOLERANCE = 0.01;

  /** A bfloat16 output's largest allowed error, as a fraction of its largest value. */
  public static final double BF16_OUTPUT_TOLERANCE = 0.02;

  /** A bfloat16 gradient's largest allowed error, as a fraction of its largest value. */
  public static final double BF16_GRADIENT_TOLERANCE = 0.03;

  private static final String[] PARTS = {
    "output", "input gradient", "weight gradient", "bias gradient"
  };

  /** A way to compute a convolution: {@link Convolutions#conv2d}, or another one for a test. */
  public interface Path {
    /** {@code conv2d(x, w, b)} in float32, or in bfloat16 with {@code bf16}. */
    NDArray conv2d(NDArray x, NDArray w, NDArray b, ScriptedOps.ConvGeometry g, boolean bf16);
  }

  private final int calls;
  private final boolean gradients;
  private final Device device;
  private final Path path;

  private KernelAudit(Builder builder) {
    this.calls = builder.calls;
    this.gradients = builder.gradients;
    this.device = builder.device;
    this.path = builder.path;
  }

  /** A builder: 3 calls per shape, on the CPU, through {@link Convolutions#conv2d}. */
  public static Builder builder() {
    return new Builder();
  }

  /** How many times each convolution is computed and checked. */
  public int calls() {
    return calls;
  }

  /** Whether gradients are recorded and checked (training), or only outputs (inference). */
  public boolean gradients() {
    return gradients;
  }

  /**
   * Audits every call in each precision of {@code precisions}; {@code progress} hears (shapes done,
   * shapes in all) after each shape.
   *
   * @return what was wrong, in the order of the calls; empty when all is right
   */
  public List<Finding> audit(
      Collection<Convolutions.Call> convolutions,
      List<Amp> precisions,
      BiConsumer<Integer, Integer> progress) {
    List<Finding> findings = new ArrayList<>();
    int done = 0;
    for (Convolutions.Call call : convolutions) {
      findings.addAll(audit(call, precisions));
      progress.accept(++done, convolutions.size());
    }
    return findings;
  }

  /** Audits one convolution in each precision of {@code precisions}. */
  public List<Finding> audit(Convolutions.Call call, List<Amp> precisions) {
    List<Finding> findings = new ArrayList<>();
    try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
      NDArray x = probe(cpu, call.input(), 0.37);
      NDArray w = probe(cpu, call.kernel(), 0.53);
      NDArray b = call.bias() ? probe(cpu, new Shape(call.kernel().get(0)), 0.71) : null;
      ScriptedOps.ConvGeometry g = call.geometry();
      NDList want =
          results(
              x.toType(DataType.FLOAT64, false),
              w.toType(DataType.FLOAT64, false),
              b == null ? null : b.toType(DataType.FLOAT64, false),
              call,
              (xx, ww, bb) -> TapSum.conv2d(xx, ww, bb, g));
      double[] scale = new double[want.size()];
      for (int i = 0; i < want.size(); i++) {
        scale[i] = want.get(i).abs().max().toType(DataType.FLOAT64, false).getDouble();
      }
      List<String> parts = partNames(call);
      try (NDManager onDevice = NDManager.newBaseManager(device)) {
        NDArray xd = x.toDevice(device, true);
        NDArray wd = w.toDevice(device, true);
        NDArray bd = b == null ? null : b.toDevice(device, true);
        xd.attach(onDevice);
        wd.attach(onDevice);
        if (bd != null) {
          bd.attach(onDevice);
        }
        for (Amp amp : precisions) {
          boolean bf16 = amp == Amp.BF16;
          double[] worst = new double[want.size()];
          int[] wrongCalls = new int[want.size()];
          for (int c = 0; c < calls; c++) {
            // Everything one call makes lives in its scope: copies of the operands there make
            // the results' arrays land there too.
            try (NDManager scope = onDevice.newSubManager()) {
              NDList got =
                  results(
                      copyInto(scope, xd),
                      copyInto(scope, wd),
                      bd == null ? null : copyInto(scope, bd),
                      call,
                      // In float32 for the comparisons (DJL's own casts do not take bfloat16);
                      // autograd carries the gradient back into the bfloat16 convolution.
                      (xx, ww, bb) -> Autocast.float32(path.conv2d(xx, ww, bb, g, bf16)));
              for (int i = 0; i < want.size(); i++) {
                NDArray result = got.get(i).toDevice(Device.cpu(), false);
                result.attach(scope);
                double error = relativeError(want.get(i), result, scale[i]);
                worst[i] = Math.max(worst[i], error);
                if (error > tolerance(bf16, i, device)) {
                  wrongCalls[i]++;
                }
              }
            }
          }
          for (int i = 0; i < want.size(); i++) {
            if (wrongCalls[i] > 0) {
              findings.add(
                  new Finding(
                      call,
                      amp,
                      gradients,
                      parts.get(i),
                      worst[i],
                      tolerance(bf16, i, device),
                      wrongCalls[i],
                      calls));
            }
          }
        }
      }
    }
    return findings;
  }

  /**
   * The output and, when this audit records gradients, the gradients ({@link ConvGradients}); the
   * output alone otherwise, computed without recording gradients, as evaluation and a frozen
   * teacher compute it (libtorch may pick other kernels for that).
   */
  private NDList results(
      NDArray x, NDArray w, NDArray b, Convolutions.Call call, ConvGradients.Convolution conv) {
    if (gradients) {
      return ConvGradients.of(x, w, b, call.inputGradient(), conv);
    }
    return new NDList(conv.apply(x, w, b).toType(DataType.FLOAT32, false));
  }

  private static NDArray copyInto(NDManager scope, NDArray a) {
    NDArray copy = a.duplicate();
    copy.attach(scope);
    return copy;
  }

  private List<String> partNames(Convolutions.Call call) {
    List<String> names = new ArrayList<>(List.of(PARTS[0]));
    if (!gradients) {
      return names;
    }
    if (call.inputGradient()) {
      names.add(PARTS[1]);
    }
    names.add(PARTS[2]);
    if (call.bias()) {
      names.add(PARTS[3]);
    }
    return names;
  }

  /** The tolerance for result {@code part} (0 the output, then the gradients). */
  static double tolerance(boolean bf16, int part, Device device) {
    if (!bf16) {
      return device.isGpu() ? GPU_FLOAT32_TOLERANCE : FLOAT32_TOLERANCE;
    }
    return part == 0 ? BF16_OUTPUT_TOLERANCE : BF16_GRADIENT_TOLERANCE;
  }

  /** The largest |got - want| over {@code scale}; infinite for a NaN or a wrong shape. */
  static double relativeError(NDArray want, NDArray got, double scale) {
    if (!want.getShape().equals(got.getShape())) {
      return Double.POSITIVE_INFINITY;
    }
    double diff =
        got.toType(DataType.FLOAT64, false)
            .sub(want.toType(DataType.FLOAT64, false))
            .abs()
            .max()
            .getDouble();
    if (Double.isNaN(diff)) {
      return Double.POSITIVE_INFINITY;
    }
    return diff / (scale + 1e-30);
  }

  /** sin(step * i) at flat position i, rounded to bfloat16: fixed, and exact in both precisions. */
  static NDArray probe(NDManager manager, Shape shape, double step) {
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = roundToBfloat16((float) Math.sin(step * i));
    }
    return OwnedArrays.copyOf(manager, values, shape);
  }

  /** {@code f} rounded to the nearest bfloat16 (ties to even), as libtorch rounds it. */
  static float roundToBfloat16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int lowestKept = (bits >>> 16) & 1;
    return Float.intBitsToFloat((bits + 0x7FFF + lowestKept) & 0xFFFF0000);
  }

  /**
   * One result that was wrong: a convolution, its precision, whether gradients were recorded, which
   * part (output, input gradient, weight gradient, bias gradient), its largest error over the calls
   * as a fraction of the largest value, the tolerance, and in how many of the calls it was wrong.
   */
  public record Finding(
      Convolutions.Call call,
      Amp precision,
      boolean gradients,
      String part,
      double error,
      double tolerance,
      int wrongCalls,
      int calls) {
    /** One line for a person. */
    public String line() {
      return String.format(
          Locale.ROOT,
          "%s convolution %s%s: %s off by %s of its largest value in %d of %d calls (a right one is"
              + " within %s)",
          precision == Amp.BF16 ? "bfloat16" : "float32",
          call.describe(),
          gradients ? "" : " (no gradients recorded)",
          part,
          percent(error),
          wrongCalls,
          calls,
          percent(tolerance));
    }

    private static String percent(double fraction) {
      if (Double.isInfinite(fraction)) {
        return "NaN or a wrong shape";
      }
      return String.format(Locale.ROOT, fraction >= 0.01 ? "%.0f%%" : "%.2g%%", fraction * 100);
    }
  }

  /** Builds a {@link KernelAudit}. */
  public static final class Builder {
    private int calls = 3;
    private boolean gradients = true;
    private Device device = Device.cpu();
    private Path path = Convolutions::conv2d;

    private Builder() {}

    /**
     * How many times each convolution is computed and checked (default 3), so that a kernel whose
     * results differ from one call to the next shows too.
     */
    public Builder optCalls(int calls) {
      if (calls < 1) {
        throw new IllegalArgumentException("calls must be at least 1, got " + calls);
      }
      this.calls = calls;
      return this;
    }

    /**
     * With false, each convolution's output alone, computed without recording gradients (as
     * evaluation and a frozen teacher compute it); default true: the output and the gradients
     * training asks for.
     */
    public Builder optGradients(boolean gradients) {
      this.gradients = gradients;
      return this;
    }

    /**
     * The device whose kernels are audited (default the CPU); the float64 reference is always
     * computed on the CPU.
     */
    public Builder optDevice(Device device) {
      this.device = device;
      return this;
    }

    /** The convolution audited (default {@link Convolutions#conv2d}); a test hands in others. */
    public Builder optPath(Path path) {
      this.path = path;
      return this;
    }

    /** The audit. */
    public KernelAudit build() {
      return new KernelAudit(this);
    }
  }
}
