package org.distill4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.BiFunction;
import java.util.function.IntSupplier;

/**
 * Float32 CPU convolutions that libtorch would hand to its fallback kernel, given to oneDNN
 * instead.
 *
 * <p>libtorch 2.7 gives a float32 CPU convolution to oneDNN unless (a) it is small: one image, one
 * group, a kernel of at most 3 on some axis and at most 20,480 input values (for example the ASPP's
 * image-pooling 1x1 convolution, or a dilated one reduced to its center taps, when evaluating one
 * image at a time); or (b) with one intra-op thread, it is a 1x1 convolution without stride or
 * dilation on fewer than 16 images. The rest go to its fallback, which first asks whether NNPACK is
 * available; on a CPU that NNPACK does not know (this project's 2-core AMD EPYC of CPU family 26)
 * libtorch then logs "Could not initialize NNPACK! Reason: Unsupported hardware." at every such
 * call, in the forward pass and again in the backward: hundreds of lines in an evaluation,
 * thousands in a one-thread training run, burying what the user should read.
 *
 * <p>Each case has an exact way around it, recorded by autograd like the convolution itself:
 *
 * <ul>
 *   <li>(a) {@link Route#batchOfTwo}: the one image twice, as a batch of two, then the first result
 *       (the slice drops the second copy's gradients). Tiny convolutions only, so the doubled work
 *       is small.
 *   <li>(b) {@link Route#dilatedPointwise}: a 1x1 kernel has one tap, so dilating it changes
 *       nothing in the sums or the output size; dilated, libtorch gives it to oneDNN. Measured with
 *       one thread on 4 images, forward and backward with a batch norm after it: as fast as the
 *       fallback or faster (docs/performance.md).
 * </ul>
 *
 * <p>The rule is libtorch's {@code ConvParams::use_mkldnn} for float32 CPU inputs; on another
 * libtorch the routes are still exact, at worst unneeded.
 */
final class FallbackRoute {
  /** libtorch's bound on a one-image input's values below which oneDNN is not used. */
  static final long SMALL_INPUT_VALUES = 20_480;

  /** The dilation given to a 1x1 kernel: any value above 1 makes libtorch's rule choose oneDNN. */
  private static final long POINTWISE_DILATION = 2;

  /**
   * How a convolution is computed.
   *
   * @param dilatedPointwise a 1x1 kernel computed with dilation 2 (the same sums)
   * @param batchOfTwo the one image computed as a batch of two copies, the first result kept
   */
  record Route(boolean dilatedPointwise, boolean batchOfTwo) {
    /** As libtorch chooses: not a convolution its fallback would take. */
    static final Route AS_IS = new Route(false, false);
  }

  /**
   * libtorch's intra-op thread count as first read, or 0 before that. Read once: asking libtorch
   * ({@code JniUtils.getNumThreads}) at each 1x1 convolution slowed a one-thread training step from
   * 556 to 701 ms (docs/performance.md). The count is set when the engine starts ({@code
   * ai.djl.pytorch.num_threads}) and shared by all threads; a later change through DJL is not seen,
   * which costs at worst the log lines or a needless dilation, never a different result.
   */
  private static volatile int intraOpThreads;

  private FallbackRoute() {}

  /** libtorch's intra-op thread count, read from libtorch the first time only. */
  static int intraOpThreads() {
    int threads = intraOpThreads;
    if (threads == 0) {
      threads = JniUtils.getNumThreads();
      intraOpThreads = threads;
    }
    return threads;
  }

  /** Reads the thread count again at the next {@link #intraOpThreads} (after changing it). */
  static void forgetIntraOpThreads() {
    intraOpThreads = 0;
  }

  /**
   * The route for a float32 CPU convolution of an NCHW {@code input} with {@code kernel} (out, in /
   * groups, kh, kw).
   *
   * @param intraOpThreads libtorch's intra-op thread count; asked only for a 1x1 convolution
   *     without stride or dilation on fewer than 16 images, the one case where libtorch's rule
   *     depends on it
   */
  static Route route(
      Shape input, Shape kernel, ScriptedOps.ConvGeometry g, IntSupplier intraOpThreads) {
    if (input.dimension() != 4 || kernel.dimension() != 4) {
      return Route.AS_IS;
    }
    long images = input.get(0);
    long kh = kernel.get(2);
    long kw = kernel.get(3);
    // libtorch: oneDNN iff (strided || dilated || n >= 16 || not 1x1 || threads > 1)
    //                   && (groups > 1 || (kh > 3 && kw > 3) || n > 1 || values > 20480)
    boolean shapeOrThreadsAllow =
        g.strideH() != 1
            || g.strideW() != 1
            || g.dilationH() != 1
            || g.dilationW() != 1
            || images >= 16
            || kh != 1
            || kw != 1
            || intraOpThreads.getAsInt() > 1;
    boolean notTiny =
        g.groups() > 1 || (kh > 3 && kw > 3) || images > 1 || input.size() > SMALL_INPUT_VALUES;
    // The usual answer is the shared constant: no allocation on the path of every convolution.
    return shapeOrThreadsAllow && notTiny ? Route.AS_IS : new Route(!shapeOrThreadsAllow, !notTiny);
  }

  /**
   * Computes {@code convolution} (libtorch's float32 convolution of an input with a geometry) as
   * {@code route} says.
   */
  static NDArray compute(
      Route route,
      NDArray x,
      ScriptedOps.ConvGeometry g,
      BiFunction<NDArray, ScriptedOps.ConvGeometry, NDArray> convolution) {
    ScriptedOps.ConvGeometry geometry =
        route.dilatedPointwise()
            ? new ScriptedOps.ConvGeometry(
                g.strideH(),
                g.strideW(),
                g.padH(),
                g.padW(),
                POINTWISE_DILATION,
                POINTWISE_DILATION,
                g.groups())
            : g;
    if (!route.batchOfTwo()) {
      return convolution.apply(x, geometry);
    }
    return convolution.apply(x.concat(x, 0), geometry).get("0:1");
  }
}
