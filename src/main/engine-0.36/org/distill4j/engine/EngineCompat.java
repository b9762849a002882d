package org.distill4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;

/**
 * Differences between DJL engine lines live here; this copy is for DJL 0.36 / PyTorch 2.7.1. The
 * engine-0.25 copy has the same public signatures.
 */
public final class EngineCompat {
  /** PyTorch's interpolation mode index for bilinear in DJL's JNI bridge (0 is nearest). */
  private static final int BILINEAR = 2;

  private EngineCompat() {}

  /** The DJL line this build was compiled against. */
  public static String djlLine() {
    return "0.36";
  }

  /**
   * Differentiable bilinear resize of an NCHW tensor, exactly PyTorch's {@code F.interpolate(x,
   * size, mode='bilinear', align_corners=...)} (and Paddle's), when enlarging and when shrinking.
   *
   * <p>The native kernel is used only for enlarging with align_corners false, where it is exact and
   * fastest (every resize inside DeepLabV3+). DJL 0.36's native interpolate always anti-aliases,
   * which changes shrinking and align_corners=True results, so those cases (and the same cases on
   * the 0.25 line, to keep both lines identical) go through {@link BilinearMatrices}.
   */
  public static NDArray resizeBilinear(NDArray x, long height, long width, boolean alignCorners) {
    Shape s = x.getShape();
    if (s.dimension() != 4) {
      throw new IllegalArgumentException("resizeBilinear expects NCHW, got shape " + s);
    }
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "resizeBilinear needs a positive size, got " + height + "x" + width);
    }
    boolean enlarges = height >= s.get(2) && width >= s.get(3);
    if (enlarges && !alignCorners && x instanceof PtNDArray) {
      return JniUtils.interpolate((PtNDArray) x, new long[] {height, width}, BILINEAR, false);
    }
    return BilinearMatrices.resize(x, height, width, alignCorners);
  }

  /** True when a CUDA GPU is visible to this process. */
  public static boolean hasGpu() {
    return CudaUtils.hasCuda();
  }

  /**
   * Fails fast when this build needs a GPU that is not there. The DJL 0.36 line runs on CPU or
   * GPU, so here it does nothing.
   */
  public static void requireGpuIfCudaBuild() {
    // The CPU build has nothing to check.
  }
}
