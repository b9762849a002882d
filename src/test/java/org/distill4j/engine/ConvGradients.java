package org.distill4j.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

/** A convolution's output and gradients, for tests that compare two ways of computing one. */
final class ConvGradients {
  private ConvGradients() {}

  /** A convolution of an input, weights and a bias (or null). */
  interface Convolution {
    NDArray apply(NDArray x, NDArray w, NDArray b);
  }

  /**
   * {@code y = conv(x, w, b)} on fresh copies of the operands, then the gradients of a weighted sum
   * of y for x, w and b (if any): [y, dx, dw(, db)], all in float32. The weights, 0 to 6 by
   * position, are exact in bfloat16 and make a gradient routed to a wrong output position show.
   */
  static NDList of(NDArray x, NDArray w, NDArray b, Convolution conv) {
    NDArray[] params =
        b == null
            ? new NDArray[] {x.duplicate(), w.duplicate()}
            : new NDArray[] {x.duplicate(), w.duplicate(), b.duplicate()};
    for (NDArray p : params) {
      p.setRequiresGradient(true);
    }
    NDList out = new NDList();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray y = conv.apply(params[0], params[1], b == null ? null : params[2]);
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
