package org.distill4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.LongFunction;

/**
 * Pooling computed from strided views of the input, for forward passes that record no gradients
 * ({@link EngineCompat#maxPool2d} and {@link EngineCompat#averagePool2x2} decide), with the same
 * numbers as libtorch's kernels to the last bit; only a zero result may carry the other sign (-0
 * for +0 or the reverse: the kernels keep the first of equal maxima and sum from +0, the views do
 * neither), which compares equal and changes no later result's value:
 *
 * <ul>
 *   <li>{@link #maxPool2d} (floor mode, no dilation): the input padded with negative infinity, the
 *       maximum over the kernel's columns taken first, then over its rows. The maximum is exact and
 *       propagates NaN, as the kernel does. A bfloat16 input (a bf16 forward pass) is padded into a
 *       float32 copy, exactly, and pooled in float32: its maxima are the kernel's bfloat16 numbers,
 *       held in float32 (4x64x64x64: 1.6-2.9 against 5.4-5.5 ms for the kernel in bfloat16;
 *       4x64x128x128: 5.4-5.9 against 20.8-21.0 ms). libtorch 2.7.1's CPU kernel also writes the
 *       index of each maximum (for a backward pass) and is slower than PyTorch 1.13's: ResNet_vd's
 *       stem pooling (3x3, stride 2, padding 1) of 4x64x128x128 took 18.4–19.9 ms with it and
 *       4.6–5.7 ms this way. Where two elements of a window tie, the gradient of a maximum is
 *       shared between them and the kernel's goes to one, so training keeps the kernel.
 *   <li>{@link #averagePool2x2} (2x2, stride 2, an even height and width, so no window is partial):
 *       the four views added in the kernel's order (top left, top right, bottom left, bottom right)
 *       and divided by 4, as the kernel sums and divides. ResNet-D's shortcut pooling of
 *       4x256x64x64 took 10.4 ms with the kernel and 6.5 ms this way.
 * </ul>
 */
final class SlicePooling {
  /** The four positions of a 2x2 window, in the order the kernel adds them. */
  private static final NDIndex[] QUARTERS = {
    new NDIndex(":, :, 0::2, 0::2"),
    new NDIndex(":, :, 0::2, 1::2"),
    new NDIndex(":, :, 1::2, 0::2"),
    new NDIndex(":, :, 1::2, 1::2")
  };

  private SlicePooling() {}

  /**
   * The max pooling of the NCHW array {@code x}; the result lives in {@code x}'s manager.
   *
   * @throws IllegalArgumentException for a window that does not fit the padded input, or a geometry
   *     libtorch refuses (padding over half the kernel)
   */
  static NDArray maxPool2d(NDArray x, Shape kernel, Shape stride, Shape padding) {
    Shape s = x.getShape();
    long outH = outputSize(s.get(2), kernel.get(0), stride.get(0), padding.get(0));
    long outW = outputSize(s.get(3), kernel.get(1), stride.get(1), padding.get(1));
    try (NDManager scope = x.getManager().newSubManager()) {
      NDArray padded = padded(scope, x, padding.get(0), padding.get(1));
      NDArray columns =
          maxOfViews(
              scope, padded, kernel.get(1), offset -> columnView(offset, stride.get(1), outW));
      NDArray pooled =
          maxOfViews(scope, columns, kernel.get(0), offset -> rowView(offset, stride.get(0), outH));
      pooled.attach(x.getManager());
      return pooled;
    }
  }

  /**
   * The 2x2, stride-2 average pooling of the NCHW array {@code x} whose height and width are even;
   * the result lives in {@code x}'s manager.
   *
   * @throws IllegalArgumentException for an odd height or width
   */
  static NDArray averagePool2x2(NDArray x) {
    Shape s = x.getShape();
    if (s.get(2) % 2 != 0 || s.get(3) % 2 != 0) {
      throw new IllegalArgumentException(
          "2x2 average pooling from views needs an even height and width, got " + s);
    }
    try (NDManager scope = x.getManager().newSubManager()) {
      NDArray sum = inScope(scope, quarter(scope, x, 0).add(quarter(scope, x, 1)));
      sum.addi(quarter(scope, x, 2)).addi(quarter(scope, x, 3)).divi(4f);
      sum.attach(x.getManager());
      return sum;
    }
  }

  private static NDArray quarter(NDManager scope, NDArray x, int position) {
    return inScope(scope, x.get(QUARTERS[position]));
  }

  /** PyTorch's checks and output size (floor mode). */
  private static long outputSize(long in, long kernel, long stride, long padding) {
    if (kernel <= 0 || stride <= 0 || padding < 0 || 2 * padding > kernel) {
      throw new IllegalArgumentException(
          "max pooling: kernel "
              + kernel
              + ", stride "
              + stride
              + " and padding "
              + padding
              + " do not make a pooling (both positive, padding at most half the kernel)");
    }
    if (in + 2 * padding < kernel) {
      throw new IllegalArgumentException(
          "max pooling: a window of "
              + kernel
              + " (padding "
              + padding
              + ") does not fit an input of "
              + in);
    }
    return (in + 2 * padding - kernel) / stride + 1;
  }

  /**
   * {@code x} itself, or a float32 copy in {@code scope} surrounded by negative infinity (always a
   * copy for a bfloat16 {@code x}: its values are exact in float32).
   */
  private static NDArray padded(NDManager scope, NDArray x, long padH, long padW) {
    if (padH == 0 && padW == 0 && x.getDataType() == DataType.FLOAT32) {
      return x;
    }
    Shape s = x.getShape();
    NDArray padded =
        scope.full(
            new Shape(s.get(0), s.get(1), s.get(2) + 2 * padH, s.get(3) + 2 * padW),
            Float.NEGATIVE_INFINITY);
    padded.set(new NDIndex(":, :, {}:{}, {}:{}", padH, padH + s.get(2), padW, padW + s.get(3)), x);
    return padded;
  }

  private static NDIndex columnView(long offset, long stride, long count) {
    return new NDIndex(":, :, :, {}:{}:{}", offset, offset + stride * (count - 1) + 1, stride);
  }

  private static NDIndex rowView(long offset, long stride, long count) {
    return new NDIndex(":, :, {}:{}:{}, :", offset, offset + stride * (count - 1) + 1, stride);
  }

  /**
   * The element-wise maximum of {@code source}'s views at offsets 0 .. kernel-1; the views and
   * every partial result belong to {@code scope}, whatever manager {@code source} is in.
   */
  private static NDArray maxOfViews(
      NDManager scope, NDArray source, long kernel, LongFunction<NDIndex> view) {
    NDArray max = inScope(scope, inScope(scope, source.get(view.apply(0))).duplicate());
    for (long offset = 1; offset < kernel; offset++) {
      max = inScope(scope, max.maximum(inScope(scope, source.get(view.apply(offset)))));
    }
    return max;
  }

  private static NDArray inScope(NDManager scope, NDArray a) {
    a.attach(scope);
    return a;
  }
}
