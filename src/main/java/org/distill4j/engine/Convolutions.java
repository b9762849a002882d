package org.distill4j.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How the models' 2-D convolutions are computed: the one path that {@code
 * models.layers.AutocastConv2d} and {@link KernelAudit} share, so that what the audit checks is
 * what training runs. In float32, DJL's convolution; in bfloat16, {@link ScriptedOps#conv2dBf16}
 * (with its per-shape check of libtorch's kernel); a dilated convolution whose off-center taps read
 * only padding, without them ({@link CenterTaps}); one that libtorch computes slowly on the CPU, on
 * its input's phases ({@link DilatedConvolutions}); in either precision. A float32 CPU convolution
 * that libtorch would give its fallback kernel goes to oneDNN instead ({@link FallbackRoute}).
 *
 * <p>It also records, on request, which convolutions a forward pass makes ({@link #recordCalls}):
 * the shapes {@code check --kernels} audits.
 */
public final class Convolutions {
  /** The calls being recorded on this thread, or null (the usual case: one lookup per call). */
  private static final ThreadLocal<Recording> RECORDING = new ThreadLocal<>();

  private Convolutions() {}

  /**
   * {@code conv2d(x, weight, bias)}: in float32, or with {@code bf16} in bfloat16 (a bfloat16
   * result), recorded by autograd when gradients are recorded.
   *
   * @param bias null for none
   */
  public static NDArray conv2d(
      NDArray x, NDArray weight, NDArray bias, ScriptedOps.ConvGeometry geometry, boolean bf16) {
    Recording recording = RECORDING.get();
    if (recording != null) {
      recording.note(x, weight.getShape(), bias != null, geometry);
    }
    return compute(x, weight, bias, geometry, bf16);
  }

  private static NDArray compute(
      NDArray x, NDArray weight, NDArray bias, ScriptedOps.ConvGeometry geometry, boolean bf16) {
    Shape input = x.getShape();
    Shape kernel = weight.getShape();
    Device device = x.getDevice();
    if (!device.isGpu() && input.dimension() == 4) {
      boolean rows = CenterTaps.rowsReadOnlyPadding(input, kernel, geometry);
      boolean columns = CenterTaps.columnsReadOnlyPadding(input, kernel, geometry);
      if (rows || columns) {
        NDArray center = CenterTaps.centerWeights(weight, rows, columns, x.getManager());
        ScriptedOps.ConvGeometry reduced = CenterTaps.reduced(geometry, rows, columns);
        if (!bf16 && CenterTaps.isPerChannelScale(input, center.getShape(), reduced)) {
          return CenterTaps.perChannelScale(x, center, bias);
        }
        return compute(x, center, bias, reduced, bf16);
      }
    }
    boolean phases =
        DilatedConvolutions.splitsIntoPhases(
            input, kernel, geometry, bf16, JniUtils::isGradMode, device);
    if (!bf16 && !phases) {
      return device.isGpu() || x.getDataType() != DataType.FLOAT32
          ? djlConv2d(x, weight, bias, geometry)
          : cpuFloat32(x, weight, bias, geometry);
    }
    ScriptedOps kernels = ScriptedOps.get();
    return phases
        ? kernels.conv2dPhases(x, weight, bias, geometry, bf16)
        : kernels.conv2dBf16(x, weight, bias, geometry);
  }

  /**
   * A float32 CPU convolution on oneDNN where libtorch would hand it to its fallback kernel (which
   * logs a line about NNPACK at every call on CPUs NNPACK does not know: {@link FallbackRoute}),
   * else as libtorch chooses.
   */
  private static NDArray cpuFloat32(
      NDArray x, NDArray weight, NDArray bias, ScriptedOps.ConvGeometry geometry) {
    FallbackRoute.Route route =
        FallbackRoute.route(
            x.getShape(), weight.getShape(), geometry, FallbackRoute::intraOpThreads);
    return route == FallbackRoute.Route.AS_IS
        ? djlConv2d(x, weight, bias, geometry)
        : FallbackRoute.compute(route, x, geometry, (xx, g) -> djlConv2d(xx, weight, bias, g));
  }

  /**
   * DJL's convolution of {@code geometry}, without any routing: libtorch's own choice of kernel
   * (for float64, its reference kernel).
   */
  static NDArray djlConv2d(
      NDArray x, NDArray weight, NDArray bias, ScriptedOps.ConvGeometry geometry) {
    return Conv2d.conv2d(
            x,
            weight,
            bias,
            new Shape(geometry.strideH(), geometry.strideW()),
            new Shape(geometry.padH(), geometry.padW()),
            new Shape(geometry.dilationH(), geometry.dilationW()),
            Math.toIntExact(geometry.groups()))
        .singletonOrThrow();
  }

  /**
   * Runs {@code forward} (a forward pass of a model on {@code input}) and returns the convolutions
   * it made through {@link #conv2d}, in order, each once. A convolution of {@code input} itself (a
   * model's first layer) is marked as one whose input gradient training never asks for.
   */
  public static Set<Call> recordCalls(NDArray input, Supplier<?> forward) {
    Recording recording = new Recording(input);
    Recording outer = RECORDING.get();
    RECORDING.set(recording);
    try {
      forward.get();
    } finally {
      RECORDING.set(outer);
    }
    return recording.calls;
  }

  /**
   * Runs {@code forward} (a forward pass of a part that sits inside a network, such as a
   * distillation's connector) and returns the convolutions it made through {@link #conv2d}, in
   * order, each once, all marked as ones whose input gradient training computes.
   */
  public static Set<Call> recordCalls(Supplier<?> forward) {
    return recordCalls(null, forward);
  }

  /**
   * One convolution as a model calls it: the input's shape (NCHW), the weights' (out, in / groups,
   * kh, kw), whether it has a bias, its geometry, and whether training computes its input's
   * gradient (not for a model's first layer, whose input is the images).
   */
  public record Call(
      Shape input,
      Shape kernel,
      boolean bias,
      ScriptedOps.ConvGeometry geometry,
      boolean inputGradient) {
    /** For example {@code 4x64x32x32 * 128x64x3x3 + bias, stride 2, padding 1}. */
    public String describe() {
      StringBuilder s = new StringBuilder();
      s.append(dims(input)).append(" * ").append(dims(kernel));
      if (bias) {
        s.append(" + bias");
      }
      ScriptedOps.ConvGeometry g = geometry;
      s.append(", stride ").append(pair(g.strideH(), g.strideW()));
      s.append(", padding ").append(pair(g.padH(), g.padW()));
      if (g.dilationH() != 1 || g.dilationW() != 1) {
        s.append(", dilation ").append(pair(g.dilationH(), g.dilationW()));
      }
      if (g.groups() != 1) {
        s.append(", groups ").append(g.groups());
      }
      return s.toString();
    }

    private static String dims(Shape shape) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < shape.dimension(); i++) {
        s.append(i == 0 ? "" : "x").append(shape.get(i));
      }
      return s.toString();
    }

    private static String pair(long a, long b) {
      return a == b ? Long.toString(a) : String.format(Locale.ROOT, "%dx%d", a, b);
    }
  }

  private static final class Recording {
    private final NDArray modelInput;
    private final Set<Call> calls = new LinkedHashSet<>();

    Recording(NDArray modelInput) {
      this.modelInput = modelInput;
    }

    void note(NDArray x, Shape kernel, boolean bias, ScriptedOps.ConvGeometry geometry) {
      calls.add(new Call(x.getShape(), kernel, bias, geometry, x != modelInput));
    }
  }
}
