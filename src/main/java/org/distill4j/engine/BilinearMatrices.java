package org.distill4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Bilinear resize of an NCHW tensor as two small matrix products, {@code Wy · x · Wxᵀ}, where each
 * row of {@code Wy} (out_h x in_h) and {@code Wx} (out_w x in_w) holds the two interpolation
 * weights of PyTorch's {@code upsample_bilinear2d} (no anti-aliasing). Exact in every direction and
 * for both align-corners settings, differentiable, and built only from NDArray operations, so it
 * behaves the same on every engine line. Used where the native kernel differs from PyTorch's plain
 * bilinear formula.
 */
final class BilinearMatrices {
  private BilinearMatrices() {}

  static NDArray resize(NDArray x, long height, long width, boolean alignCorners) {
    Shape s = x.getShape();
    NDManager m = x.getManager();
    NDArray out = x;
    int inH = Math.toIntExact(s.get(2));
    int inW = Math.toIntExact(s.get(3));
    if (height != inH || alignCorners) {
      NDArray wy =
          weights(m, inH, Math.toIntExact(height), alignCorners).toDevice(x.getDevice(), false);
      out = wy.toType(x.getDataType(), false).matMul(out);
    }
    if (width != inW || alignCorners) {
      NDArray wx =
          weights(m, inW, Math.toIntExact(width), alignCorners).toDevice(x.getDevice(), false);
      out = out.matMul(wx.toType(x.getDataType(), false).transpose());
    }
    return out;
  }

  /** The (out x in) matrix mapping one axis of length {@code in} to {@code out} samples. */
  static NDArray weights(NDManager manager, int in, int out, boolean alignCorners) {
    float[] w = new float[out * in];
    for (int i = 0; i < out; i++) {
      double src = sourceCoordinate(i, in, out, alignCorners);
      int i0 = Math.min((int) Math.floor(src), in - 1);
      int i1 = Math.min(i0 + 1, in - 1);
      double frac = src - i0;
      w[i * in + i0] += (float) (1 - frac);
      w[i * in + i1] += (float) frac;
    }
    return OwnedArrays.copyOf(manager, w, new Shape(out, in));
  }

  /**
   * Where output sample {@code dst} reads from, in input coordinates: PyTorch's {@code
   * area_pixel_compute_source_index} for linear modes with size given (negative clamps to 0).
   */
  static double sourceCoordinate(int dst, int in, int out, boolean alignCorners) {
    if (alignCorners) {
      return out > 1 ? dst * (in - 1.0) / (out - 1.0) : 0;
    }
    double scale = (double) in / out;
    return Math.max((dst + 0.5) * scale - 0.5, 0);
  }
}
