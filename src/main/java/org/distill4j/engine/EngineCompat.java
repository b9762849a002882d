package org.distill4j.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;
import org.distill4j.config.ConfigException;

/**
 * Differences between the two DJL engine lines the build supports, decided at run time from the DJL
 * on the classpath: 0.36 / PyTorch 2.7.1 (default, CPU or GPU) and 0.25 / PyTorch 2.0.1 (the {@code
 * cu118} profile, the newest line with CUDA 11.8 natives on Maven Central). Everything here
 * compiles against both lines' APIs, which the CI's cu118 compile check verifies.
 */
public final class EngineCompat {
  /** PyTorch's interpolation mode index for bilinear in DJL's JNI bridge (0 is nearest). */
  private static final int BILINEAR = 2;

  /** The line of the cu118 build. */
  private static final String CU118_LINE = "0.25";

  /** DJL 0.25 uses its bundled cu118 natives only with a driver supporting CUDA 11.8 or newer. */
  private static final int MIN_CUDA_VERSION = 11080;

  /**
   * Output height plus width up to which an enlargement on the CPU goes through {@link
   * BilinearMatrices}: libtorch 2.x's CPU kernel sends such outputs to its channels-last variant
   * even for a channels-first input, converting the input and the result between layouts, which
   * made the decoder's resize of 256 channels from 16x16 to 64x64 take 25 ms forward and backward,
   * against 8 ms as two matrix products (docs/performance.md, "libtorch 2.7.1's small upsampling").
   */
  static final long SMALL_OUTPUT = 128;

  private static final Shape HALVING = new Shape(2, 2);
  private static final Shape NO_PADDING = new Shape(0, 0);

  private EngineCompat() {}

  /**
   * The DJL line on the classpath, major.minor (e.g. {@code 0.36}). Read from DJL's own version
   * resource, which does not start the engine.
   */
  public static String djlLine() {
    return lineOf(Engine.getDjlVersion());
  }

  /** {@code 0.36.0} and {@code 0.36.0-SNAPSHOT} give {@code 0.36}. */
  static String lineOf(String djlVersion) {
    String[] parts = djlVersion.split("[.-]");
    return parts.length >= 2 ? parts[0] + "." + parts[1] : djlVersion;
  }

  /**
   * Differentiable bilinear resize of an NCHW tensor, exactly PyTorch's {@code F.interpolate(x,
   * size, mode='bilinear', align_corners=...)} (and Paddle's), when enlarging and when shrinking.
   *
   * <p>A native kernel is used only for enlarging with align_corners false, on the CPU only to an
   * output larger than {@link #SMALL_OUTPUT} (DeepLabV3+'s last resize, to the input size):
   * libtorch's own {@code upsample_bilinear2d} through {@link ScriptedOps}, PyTorch's kernel
   * exactly, or where the scripted kernels are off, DJL's interpolate, whose always-on
   * anti-aliasing gives the same values up to the last bit when enlarging, more slowly. Smaller
   * enlargements on the CPU (the image pooling's and the decoder's), shrinking and
   * align_corners=True, where anti-aliasing would change the result, go through {@link
   * BilinearMatrices} (the same on the 0.25 line, to keep both lines identical), which agrees with
   * the kernel within float rounding.
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
    // Resizes compute in float32, also when a bf16 convolution's output arrives here (PyTorch's CPU
    // autocast would resize in bfloat16): the logits' last resize feeds the loss, and the bilinear
    // matrices of the other path are float32.
    x = Autocast.float32(x);
    boolean enlarges = height >= s.get(2) && width >= s.get(3);
    boolean smallOnCpu = height + width <= SMALL_OUTPUT && !x.getDevice().isGpu();
    if (enlarges && !alignCorners && x instanceof PtNDArray && !smallOnCpu) {
      ScriptedOps kernels = ScriptedOps.get();
      if (kernels != null) {
        return kernels.upsampleBilinear(x, height, width);
      }
      return JniUtils.interpolate((PtNDArray) x, new long[] {height, width}, BILINEAR, false);
    }
    return BilinearMatrices.resize(x, height, width, alignCorners);
  }

  /**
   * Max pooling of an NCHW array (floor mode), PyTorch's {@code max_pool2d}. A float32 or bfloat16
   * array on the CPU in a forward pass that records no gradients (evaluation, prediction, a frozen
   * teacher) goes through {@link SlicePooling}, the same values (up to the sign of a zero) several
   * times faster than libtorch 2.7.1's CPU kernel, as float32 (a bfloat16 input's maxima are
   * bfloat16 numbers held in float32, which the next convolution rounds to themselves); anything
   * else through the kernel, whose backward pass gives each window's gradient to one element as
   * PyTorch does.
   */
  public static NDArray maxPool2d(NDArray x, Shape kernel, Shape stride, Shape padding) {
    if (takesSliceMaxPool(x)) {
      return SlicePooling.maxPool2d(x, kernel, stride, padding);
    }
    return Pool.maxPool2d(x, kernel, stride, padding, false);
  }

  /**
   * ResNet-D's shortcut pooling: 2x2 average pooling, stride 2, ceil mode, padded cells not counted
   * (Paddle's {@code AvgPool2D(2, 2, 0, ceil_mode=True)}, exclusive). A float32 array on the CPU in
   * a forward pass that records no gradients, with an even height and width (so no window is
   * partial), goes through {@link SlicePooling}, the kernel's values (up to the sign of a zero);
   * anything else through the kernel.
   */
  public static NDArray averagePool2x2(NDArray x) {
    Shape s = x.getShape();
    // Float32 only: the kernel sums a bfloat16 window in float32 and rounds once, views would
    // round at every addition.
    if (takesSliceAveragePool(x) && s.get(2) % 2 == 0 && s.get(3) % 2 == 0) {
      return SlicePooling.averagePool2x2(x);
    }
    return Pool.avgPool2d(x, HALVING, HALVING, NO_PADDING, true, false);
  }

  /**
   * True when {@code x} is a float32 array on the CPU in a forward pass that records no gradients:
   * {@link #averagePool2x2} then pools it from views (for even sizes).
   */
  static boolean takesSliceAveragePool(NDArray x) {
    return x.getDataType() == DataType.FLOAT32 && withoutGradientsOnCpu(x);
  }

  /** True when {@link #maxPool2d} computes {@code x}'s pooling with {@link SlicePooling}. */
  static boolean takesSliceMaxPool(NDArray x) {
    return (x.getDataType() == DataType.FLOAT32 || Autocast.isBf16(x)) && withoutGradientsOnCpu(x);
  }

  private static boolean withoutGradientsOnCpu(NDArray x) {
    return x instanceof PtNDArray && !x.getDevice().isGpu() && !JniUtils.isGradMode();
  }

  /** True when a CUDA GPU is visible to this process. */
  public static boolean hasGpu() {
    return CudaUtils.hasCuda();
  }

  /**
   * Fails fast when this build needs a GPU that is not there. The 0.36 line runs on CPU or GPU, so
   * it passes. On the 0.25 line (the cu118 build) without a suitable GPU, DJL ignores the bundled
   * cu118 natives and tries to download a CPU build, which fails offline with a message that does
   * not say why; this check says why before the engine starts.
   */
  public static void requireGpuIfCudaBuild() {
    if (!CU118_LINE.equals(djlLine())) {
      return;
    }
    if (!CudaUtils.hasCuda()) {
      throw new ConfigException(
          "this is the cu118 build of distill4j (DJL 0.25, PyTorch 2.0.1 for CUDA 11.8) and no"
              + " NVIDIA GPU is visible; run it on a machine with a GPU and a CUDA 11.8+ driver,"
              + " or use the default CPU build (mvn package without -Pcu118)");
    }
    int version = CudaUtils.getCudaVersion();
    if (version < MIN_CUDA_VERSION) {
      throw new ConfigException(
          "this is the cu118 build of distill4j and the CUDA driver supports only CUDA "
              + CudaUtils.getCudaVersionString()
              + "; it needs 11.8 or newer (update the driver, or use the default CPU build)");
    }
  }
}
