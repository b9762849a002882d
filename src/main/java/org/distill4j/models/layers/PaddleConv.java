package org.distill4j.models.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;

/**
 * 2-D convolutions initialised the way Paddle's {@code Conv2D} is when nothing is loaded: weights
 * from Normal(0, sqrt(2 / (k * k * in_channels))) and zero bias. Paddle uses the full input channel
 * count even for grouped (depthwise) convolutions, so the spread cannot be derived from the weight
 * shape and is fixed here at construction.
 */
public final class PaddleConv {
  private PaddleConv() {}

  /** The standard deviation Paddle uses for a k x k conv with {@code inChannels} inputs. */
  public static float initStd(int kernel, int inChannels) {
    return (float) Math.sqrt(2.0 / ((double) kernel * kernel * inChannels));
  }

  /**
   * A square k x k conv ({@link AutocastConv2d}: bfloat16 inside an {@code amp: bf16} scope).
   *
   * @param inChannels input channels (fixes the init spread; DJL infers the weight shape)
   * @param outChannels filters
   * @param kernel kernel size
   * @param stride stride
   * @param padding zero padding on each side
   * @param dilation dilation
   * @param groups groups ({@code inChannels} for depthwise)
   * @param bias whether the conv has a bias
   */
  public static AutocastConv2d conv2d(
      int inChannels,
      int outChannels,
      int kernel,
      int stride,
      int padding,
      int dilation,
      int groups,
      boolean bias) {
    // The builder's setters return DJL's Conv2d.Builder type; build() makes an AutocastConv2d.
    AutocastConv2d conv =
        (AutocastConv2d)
            AutocastConv2d.autocastBuilder()
                .setFilters(outChannels)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optDilation(new Shape(dilation, dilation))
                .optGroups(groups)
                .optBias(bias)
                .build();
    conv.setInitializer(new NormalInitializer(initStd(kernel, inChannels)), Parameter.Type.WEIGHT);
    return conv;
  }

  /** Output length of a convolution or floor-mode pooling along one axis. */
  public static long outSize(long size, int kernel, int stride, int padding, int dilation) {
    return (size + 2L * padding - (long) dilation * (kernel - 1) - 1) / stride + 1;
  }

  /**
   * Output length of a ceil-mode pooling along one axis, with the PyTorch/Paddle rule that the last
   * window must start inside the (left-padded) input.
   */
  public static long ceilPoolSize(long size, int kernel, int stride, int padding) {
    long out = Math.floorDiv(size + 2L * padding - kernel + stride - 1, stride) + 1;
    if ((out - 1) * stride >= size + padding) {
      out--;
    }
    return out;
  }
}
