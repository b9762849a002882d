package org.distill4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Operands whose memory libtorch itself owns, for every constant that may enter an autograd graph.
 *
 * <p>On CPU, DJL's PyTorch engine wraps Java data without copying it: {@code
 * manager.create(float[])}, and the scalar that {@code x.mul(2f)}, {@code x.div(t)}, {@code
 * x.pow(p)} or {@code x.maximum(eps)} create internally, point libtorch at a direct buffer that
 * lives only as long as the Java {@code NDArray} object. Autograd keeps some operands for the
 * backward pass (the other factor of a product, the divisor, the exponent, the bound of a maximum).
 * DJL closes the scalar of {@code mul(Number)} as soon as the product is computed, so a garbage
 * collection between the forward and the backward pass frees memory the graph still reads, and
 * backward multiplies the gradient by whatever was written there since: silently wrong weights, or
 * a NaN loss a few steps later. Arrays made here are allocated by libtorch ({@code full}, {@code
 * clone}) and are freed only when the last tensor, the graph included, lets go of them.
 */
public final class OwnedArrays {
  private OwnedArrays() {}

  /** A scalar of {@code value} with the data type and device of {@code like}, owned by libtorch. */
  public static NDArray scalar(NDArray like, double value) {
    NDArray s = like.getManager().full(new Shape(), (float) value, like.getDataType());
    return s.getDevice().equals(like.getDevice()) ? s : s.toDevice(like.getDevice(), false);
  }

  /** {@code x * value}, safe to differentiate. */
  public static NDArray mul(NDArray x, double value) {
    return withScalar(x, value, NDArray::mul);
  }

  /** {@code x / value}, safe to differentiate. */
  public static NDArray div(NDArray x, double value) {
    return withScalar(x, value, NDArray::div);
  }

  /** {@code x ^ exponent}, safe to differentiate. */
  public static NDArray pow(NDArray x, double exponent) {
    return withScalar(x, exponent, NDArray::pow);
  }

  /** The element-wise maximum of {@code x} and {@code floor}, safe to differentiate. */
  public static NDArray maximum(NDArray x, double floor) {
    return withScalar(x, floor, NDArray::maximum);
  }

  /** {@code op(x, value)} with {@code value} as a libtorch-owned scalar, closed afterwards. */
  private static NDArray withScalar(NDArray x, double value, BinaryOperator<NDArray> op) {
    try (NDArray s = scalar(x, value)) {
      return op.apply(x, s);
    }
  }

  /** A copy of {@code data} in memory libtorch owns, created by {@code manager}. */
  public static NDArray copyOf(NDManager manager, float[] data, Shape shape) {
    try (NDArray javaBacked = manager.create(data, shape)) {
      return javaBacked.duplicate();
    }
  }
}
