package org.distill4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * A 2-D convolution written out as the sum over its kernel taps: for each tap, the input window it
 * reads (padded, shifted by the tap's dilated offset, strided) times the tap's weights, a matrix
 * product per group. {@link KernelAudit}'s float64 reference.
 *
 * <p>Why not libtorch's float64 convolution: that kernel first asks whether NNPACK is available,
 * and on CPUs NNPACK does not know libtorch logs the failed initialisation at every call (76 lines
 * in one {@code check --kernels} of the CPU tutorial's student); and a reference made of slices and
 * matrix products shares no code with any of libtorch's convolution kernels, the ones being
 * audited. Recorded by autograd, so the audit's gradients come from the same sums. It holds one
 * tap's window at a time; libtorch's kernel unfolds all of them at once.
 */
final class TapSum {
  private TapSum() {}

  /**
   * {@code x (N, C, H, W) * weight (O, C / groups, kh, kw) + bias}, in the operands' precision.
   *
   * @param bias null for none
   */
  static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, ScriptedOps.ConvGeometry g) {
    Shape in = x.getShape();
    Shape k = weight.getShape();
    long images = in.get(0);
    long groups = g.groups();
    long inPerGroup = in.get(1) / groups;
    long outChannels = k.get(0);
    long outPerGroup = outChannels / groups;
    long kh = k.get(2);
    long kw = k.get(3);
    long outH = (in.get(2) + 2 * g.padH() - g.dilationH() * (kh - 1) - 1) / g.strideH() + 1;
    long outW = (in.get(3) + 2 * g.padW() - g.dilationW() * (kw - 1) - 1) / g.strideW() + 1;
    NDArray padded = zeroPadded(x, g.padH(), g.padW());
    NDArray sum = null;
    for (long i = 0; i < kh; i++) {
      for (long j = 0; j < kw; j++) {
        long top = i * g.dilationH();
        long left = j * g.dilationW();
        NDArray window =
            padded.get(
                new NDIndex(
                    ":, :, {}:{}:{}, {}:{}:{}",
                    top,
                    top + g.strideH() * (outH - 1) + 1,
                    g.strideH(),
                    left,
                    left + g.strideW() * (outW - 1) + 1,
                    g.strideW()));
        NDArray columns = window.reshape(images, groups, inPerGroup, outH * outW);
        NDArray tap =
            weight.get(new NDIndex(":, :, {}, {}", i, j)).reshape(groups, outPerGroup, inPerGroup);
        NDArray product = tap.matMul(columns); // (N, groups, out / groups, outH * outW)
        sum = sum == null ? product : sum.add(product);
      }
    }
    NDArray y = sum.reshape(images, outChannels, outH, outW);
    return bias == null ? y : y.add(bias.reshape(1, outChannels, 1, 1));
  }

  /**
   * {@code x} with {@code padH} rows of zeros above and below and {@code padW} columns left and
   * right, by concatenation (DJL 0.25, the cu118 line, has no pad operator).
   */
  private static NDArray zeroPadded(NDArray x, long padH, long padW) {
    NDArray padded = x;
    Shape s = x.getShape();
    if (padW > 0) {
      NDArray side =
          x.getManager()
              .zeros(new Shape(s.get(0), s.get(1), s.get(2), padW), x.getDataType(), x.getDevice());
      padded = side.concat(padded, 3).concat(side, 3);
    }
    if (padH > 0) {
      NDArray band =
          x.getManager()
              .zeros(
                  new Shape(s.get(0), s.get(1), padH, s.get(3) + 2 * padW),
                  x.getDataType(),
                  x.getDevice());
      padded = band.concat(padded, 2).concat(band, 2);
    }
    return padded;
  }
}
