package org.distill4j.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;

/**
 * A convolution's output and gradients, for comparing two ways of computing one ({@link
 * KernelAudit}, and the engine's tests).
 */
final class ConvGradients {
  private ConvGradients() {}

  /** A convolution of an input, weights and a bias (or null). */
  interface Convolution {
    NDArray apply(NDArray x, NDArray w, NDArray b);
  }

  /** {@link #of(NDArray, NDArray, NDArray, boolean, Convolution)} with the input's gradient. */
  static NDList of(NDArray x, NDArray w, NDArray b, Convolution conv) {
    return of(x, w, b, true, conv);
  }

  /**
   * {@code y = conv(x, w, b)} on fresh copies of the operands, then the gradients of a weighted sum
   * of y: [y, dx (with {@code inputGradient}), dw, db (if there is a bias)], all in float32. The
   * weights, 0 to 6 by position, are exact in bfloat16 and make a gradient routed to a wrong output
   * position show.
   *
   * @param b null for none
   * @param inputGradient false for a convolution whose input's gradient is not asked for (a model's
   *     first layer): libtorch then does not compute it
   */
  static NDList of(NDArray x, NDArray w, NDArray b, boolean inputGradient, Convolution conv) {
    NDArray xc = x.duplicate();
    NDArray wc = w.duplicate();
    NDArray bc = b == null ? null : b.duplicate();
    List<NDArray> params = new ArrayList<>();
    if (inputGradient) {
      params.add(xc);
    }
    params.add(wc);
    if (bc != null) {
      params.add(bc);
    }
    for (NDArray p : params) {
      p.setRequiresGradient(true);
    }
    NDList out = new NDList();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray y = conv.apply(xc, wc, bc);
      out.add(y.stopGradient());
      NDArray weights =
          y.getManager()
              .arange((float) y.size())
              .reshape(y.getShape())
              .mod(7f)
              .toType(y.getDataType(), false);
      gc.backward(y.mul(weights).sum());
    }
    for (NDArray p : params) {
      out.add(p.getGradient().duplicate());
    }
    NDList float32 = new NDList();
    for (NDArray a : out) {
      float32.add(a.toType(DataType.FLOAT32, false));
    }
    return float32;
  }
}
