package org.distill4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Dilated convolutions whose taps beyond the center fall entirely in the zero padding, computed
 * without those taps.
 *
 * <p>A stride-1 convolution padded to keep its size ({@code padding = dilation x (kernel - 1) / 2},
 * an odd kernel) reads, for output row {@code i}, input rows {@code i + (j - c) x dilation} for the
 * kernel rows {@code j} around the center {@code c}. When the dilation is at least the input's
 * height, every row but the center one lies outside the input, in the padding: those products are
 * exact zeros, in the output and in the weights' gradient alike. The convolution is then the same
 * as one with the kernel's center row alone, undilated and unpadded (likewise for columns and the
 * width). DeepLabV3+ meets this at small inputs: the ASPP's rates 12 to 36 on 12x12 or 16x16
 * features (96 and 128 pixels at output stride 8), the last backbone stage's dilation 8 on 8x8 (128
 * pixels, output stride 16) or 16 on 16x16 (output stride 8). libtorch computes those full 3x3
 * convolutions with oneDNN's im2col-and-matrix-product kernel: a 512-channel one on 4 x 8 x 8 took
 * 8.0 ms forward where its 1x1 center takes 2.3, and 26.6 against 2.6 ms at 16 x 16 (2 cores,
 * docs/performance.md, "Convolutions that read only padding"). A depthwise one with the center tap
 * alone is a per-channel scale.
 *
 * <p>The same sums up to the order of float rounding; the gradients of the taps left out are
 * exactly zero, as they are in the full convolution. On the CPU only, like {@link
 * DilatedConvolutions}: a GPU's kernels are other ones and were not measured.
 */
public final class CenterTaps {
  private CenterTaps() {}

  /**
   * True when every kernel row but the center one reads only the padding of an NCHW {@code input}:
   * stride 1 in height, an odd kernel height above 1, padding {@code dilation x (kh - 1) / 2}, and
   * a dilation of at least the input's height.
   */
  public static boolean rowsReadOnlyPadding(Shape input, Shape kernel, ScriptedOps.ConvGeometry g) {
    return onlyPadding(
        input.get(2), kernel.get(kernel.dimension() - 2), g.strideH(), g.padH(), g.dilationH());
  }

  /** As {@link #rowsReadOnlyPadding}, for the kernel's columns and the input's width. */
  public static boolean columnsReadOnlyPadding(
      Shape input, Shape kernel, ScriptedOps.ConvGeometry g) {
    return onlyPadding(
        input.get(3), kernel.get(kernel.dimension() - 1), g.strideW(), g.padW(), g.dilationW());
  }

  private static boolean onlyPadding(long size, long k, long stride, long pad, long dilation) {
    return stride == 1 && k > 1 && k % 2 == 1 && pad == dilation * (k - 1) / 2 && dilation >= size;
  }

  /**
   * The kernel's center row (with {@code rows}) and center column (with {@code columns}), recorded
   * by autograd, as a new contiguous array where the scripted kernels are available (oneDNN
   * reorders a strided view of weights at every call, which took as long as the full convolution),
   * else as a view. It lives in {@code scope}, the activations' manager: made in the weights' own,
   * a model's, it would be kept until the model is closed, at every call.
   */
  static NDArray centerWeights(NDArray weight, boolean rows, boolean columns, NDManager scope) {
    Shape k = weight.getShape();
    long ch = (k.get(2) - 1) / 2;
    long cw = (k.get(3) - 1) / 2;
    String index =
        ":, :, "
            + (rows ? ch + ":" + (ch + 1) : ":")
            + ", "
            + (columns ? cw + ":" + (cw + 1) : ":");
    NDArray view = weight.get(new NDIndex(index));
    view.attach(scope);
    ScriptedOps kernels = ScriptedOps.get();
    return kernels == null ? view : kernels.contiguous(view);
  }

  /** {@code g} without padding and dilation on the axes whose taps were left out. */
  static ScriptedOps.ConvGeometry reduced(
      ScriptedOps.ConvGeometry g, boolean rows, boolean columns) {
    return new ScriptedOps.ConvGeometry(
        g.strideH(),
        g.strideW(),
        rows ? 0 : g.padH(),
        columns ? 0 : g.padW(),
        rows ? 1 : g.dilationH(),
        columns ? 1 : g.dilationW(),
        g.groups());
  }

  /**
   * True for a depthwise convolution (one input and one output channel per group) of 1x1 weights: a
   * per-channel scale.
   */
  static boolean isPerChannelScale(Shape input, Shape kernel, ScriptedOps.ConvGeometry g) {
    long channels = input.get(1);
    return g.groups() == channels
        && kernel.get(0) == channels
        && kernel.get(1) == 1
        && kernel.get(2) == 1
        && kernel.get(3) == 1
        && g.strideH() == 1
        && g.strideW() == 1
        && g.padH() == 0
        && g.padW() == 0;
  }

  /**
   * {@code x} times each channel's weight, plus its bias: a depthwise 1x1 convolution. The result
   * and everything made on the way live in {@code x}'s manager.
   */
  static NDArray perChannelScale(NDArray x, NDArray weight, NDArray bias) {
    long channels = weight.getShape().get(0);
    Shape perChannel = new Shape(1, channels, 1, 1);
    NDArray scale = weight.reshape(perChannel);
    scale.attach(x.getManager());
    NDArray y = x.mul(scale);
    if (bias == null) {
      return y;
    }
    NDArray shift = bias.reshape(perChannel);
    shift.attach(x.getManager());
    return y.add(shift);
  }
}
