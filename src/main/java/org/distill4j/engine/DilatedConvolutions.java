package org.distill4j.engine;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import java.util.function.BooleanSupplier;

/**
 * Where a dilated convolution is computed on its input's phases ({@link ScriptedOps#conv2dPhases})
 * instead of by libtorch's convolution.
 *
 * <p>DeepLabV3+'s backbones end in 3x3 convolutions with dilations up to 8 (output stride 8 with
 * multi-grid 1, 2, 4 on ResNet18, and output stride 16 on ResNet50) and 16 (output stride 8 on
 * ResNet50). On the CPU, libtorch 2.7.1's oneDNN computes a float32 convolution with dilation 8 or
 * more, and a bfloat16 one with dilation 16 or more, with its im2col-and-matrix-product kernel,
 * which for a 512-channel layer at 32x32 took 136 ms forward where its direct kernel takes 51 ms
 * for dilation 4 (4 images, 2 cores; docs/performance.md, "Dilated convolutions on their phases").
 * Split into its d x d phases (rows and columns d apart), the same convolution is an undilated one
 * on d*d times as many images of 1/d the height and width, which takes the direct kernel: 56 ms.
 * The split pays only where the phases are not tiny: at 16x16 with dilation 8 (2x2 phases) the
 * direct convolution is faster.
 *
 * <p>Depthwise convolutions (the ASPP's separable ones, rates 12 to 36) take the same
 * im2col-and-matrix-product kernel from dilation 8 on, whose backward pass is the slow part: for
 * 512 channels at 32x32 with dilation 12, 33.0 ms forward and backward, against 13.6 ms on the 3x3
 * phases. Forward alone the direct kernel is as fast or faster (4.7 against 5.8 ms), and with 2x2
 * phases the backward pass on them is an order of magnitude slower (docs/performance.md, "Dilated
 * depthwise convolutions"); so a depthwise convolution is split only while gradients are recorded
 * (training) and for phases of at least {@link #MIN_PHASE_SIZE_DEPTHWISE}.
 *
 * <p>The rule is fixed, not timed at run time, so a run's numbers do not depend on how busy the
 * machine was when it chose. Only on the CPU: a GPU's kernels are other ones.
 */
public final class DilatedConvolutions {
  /** The smallest dilation a float32 convolution is split for. */
  static final long MIN_DILATION_FLOAT32 = 8;

  /**
   * The smallest dilation a bfloat16 convolution is split for (oneDNN's direct bf16 kernel takes
   * 8).
   */
  static final long MIN_DILATION_BF16 = 16;

  /** The smallest phase height and width (the input's, divided by the dilation, rounded up). */
  static final long MIN_PHASE_SIZE = 4;

  /** The smallest dilation a depthwise convolution is split for, in either precision. */
  static final long MIN_DILATION_DEPTHWISE = 8;

  /** The smallest phase height and width for a depthwise convolution. */
  static final long MIN_PHASE_SIZE_DEPTHWISE = 3;

  private DilatedConvolutions() {}

  /**
   * True when a convolution of an NCHW {@code input} with a {@code kernel} (out, in / groups, kh,
   * kw) of {@code geometry} on {@code device} is computed on the input's phases: on the CPU, with
   * the scripted kernels available, a {@linkplain ScriptedOps.ConvGeometry#phaseSplittable
   * phase-splittable} geometry and
   *
   * <ul>
   *   <li>groups 1, a dilation of at least {@link #MIN_DILATION_FLOAT32} (float32) or {@link
   *       #MIN_DILATION_BF16} ({@code bf16}), phases of at least {@link #MIN_PHASE_SIZE} x {@link
   *       #MIN_PHASE_SIZE}; or
   *   <li>depthwise (one input channel per group), a dilation of at least {@link
   *       #MIN_DILATION_DEPTHWISE}, phases of at least {@link #MIN_PHASE_SIZE_DEPTHWISE} x {@link
   *       #MIN_PHASE_SIZE_DEPTHWISE}, while {@code gradients} says gradients are being recorded
   *       (asked only for such a convolution).
   * </ul>
   */
  public static boolean splitsIntoPhases(
      Shape input,
      Shape kernel,
      ScriptedOps.ConvGeometry geometry,
      boolean bf16,
      BooleanSupplier gradients,
      Device device) {
    if (device.isGpu() || input.dimension() != 4 || !geometry.phaseSplittable(kernel)) {
      return false;
    }
    long d = geometry.dilationH();
    long minDilation;
    long minPhase;
    if (geometry.groups() == 1) {
      minDilation = bf16 ? MIN_DILATION_BF16 : MIN_DILATION_FLOAT32;
      minPhase = MIN_PHASE_SIZE;
    } else if (isDepthwise(input, kernel, geometry)) {
      minDilation = MIN_DILATION_DEPTHWISE;
      minPhase = MIN_PHASE_SIZE_DEPTHWISE;
    } else {
      return false;
    }
    return d >= minDilation
        && ceilDiv(input.get(2), d) >= minPhase
        && ceilDiv(input.get(3), d) >= minPhase
        && (geometry.groups() == 1 || gradients.getAsBoolean())
        && ScriptedOps.get() != null;
  }

  /** One input and one output channel per group. */
  private static boolean isDepthwise(Shape input, Shape kernel, ScriptedOps.ConvGeometry geometry) {
    return kernel.get(1) == 1
        && geometry.groups() == input.get(1)
        && kernel.get(0) == geometry.groups();
  }

  /** {@code a / b} rounded up: the phases' height or width for a size and a dilation. */
  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
