package org.distill4j.models.layers;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.distill4j.engine.Autocast;
import org.distill4j.engine.Convolutions;
import org.distill4j.engine.EngineCompat;
import org.distill4j.engine.FrozenWeights;
import org.distill4j.engine.HostScalars;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TappedBlock;

/**
 * Conv + batch norm + optional ReLU, the unit every PaddleSeg layer here is made of:
 *
 * <ul>
 *   <li>ResNet_vd's {@code ConvBNLayer}: no conv bias, padding (k-1)/2 or the dilation, optional
 *       "vd" 2x2 average pool (stride 2, ceil mode, padded cells not counted) before the conv;
 *   <li>{@code ConvBNReLU} ({@link #convBnRelu}): conv with bias (Paddle's default) + BN + ReLU;
 *   <li>{@code ConvBN}: conv with bias + BN, no activation (the depthwise half of {@link
 *       SeparableConvBNReLU}).
 * </ul>
 *
 * <p>Batch norm as in Paddle: running statistics updated as 0.9 old + 0.1 batch (DJL momentum 0.9)
 * with the biased batch variance, epsilon 1e-5, gamma 1 and beta 0 at init; inference uses the
 * running statistics.
 *
 * <p>In the forward pass of a model whose weights do not change (a distillation's frozen teacher:
 * an {@link Autocast} scope with {@link FrozenWeights}) the batch norm is folded into the
 * convolution, made once per layer: one convolution with scaled weights and a bias, and no pass of
 * its own over the activations. In float32 the same numbers within float32 rounding; in bf16 the
 * folded weights and bias are rounded to bfloat16 once, and the convolution adds the bias to its
 * float32 sums before rounding its result, where the two steps rounded the convolution's result and
 * then the batch norm's. A model being trained or evaluated keeps the two steps.
 */
public final class ConvBNLayer extends TappedBlock {
  private static final float BN_MOMENTUM = 0.9f;
  private static final float BN_EPS = 1e-5f;

  /**
   * The axis argument that hands the input straight to libtorch's batch norm, which normalises axis
   * 1 (NCHW's channels). DJL's PyTorch engine (0.25 and 0.36 alike) reads -1 as "libtorch's own
   * layout", and ConvBNLayerTest checks that each channel is normalised; any other value, 1
   * included, wraps the call in two axis swaps in a sub-manager: two view nodes per layer that
   * autograd then walks back through: about 7 % of a bf16 teacher step's host time at 128
   * (docs/performance.md, "Batch norm without axis swaps").
   */
  static final int CHANNELS_AXIS = -1;

  private final int outChannels;
  private final int kernel;
  private final int stride;
  private final int padding;
  private final int dilation;
  private final boolean relu;
  private final boolean vdPool;
  private final AutocastConv2d conv;
  private final BatchNorm bn;

  private ConvBNLayer(Builder b) {
    super(b.taps, b.path, true);
    if (b.dilation != 1 && b.kernel != 3 && b.padding < 0) {
      throw new IllegalArgumentException("a dilated ConvBNLayer needs kernel 3 (" + b.path + ")");
    }
    this.outChannels = b.outChannels;
    this.kernel = b.kernel;
    this.stride = b.stride;
    this.dilation = b.dilation;
    this.padding = b.padding >= 0 ? b.padding : (b.dilation == 1 ? (b.kernel - 1) / 2 : b.dilation);
    this.relu = b.relu;
    this.vdPool = b.vdPool;
    this.conv =
        addPlain(
            "conv",
            PaddleConv.conv2d(
                b.inChannels, outChannels, kernel, stride, padding, dilation, b.groups, b.bias));
    this.bn =
        addPlain(
            "batch_norm", BatchNorm.builder().optMomentum(BN_MOMENTUM).optEpsilon(BN_EPS).build());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** PaddleSeg's {@code ConvBNReLU}: conv with bias, padding (k-1)/2 ("same" for odd k). */
  public static ConvBNLayer convBnRelu(
      TapHub taps, String path, int inChannels, int outChannels, int kernel) {
    return builder()
        .setTaps(taps, path)
        .setChannels(inChannels, outChannels)
        .setKernel(kernel)
        .optBias(true)
        .optRelu(true)
        .build();
  }

  public int kernel() {
    return kernel;
  }

  public int stride() {
    return stride;
  }

  public int padding() {
    return padding;
  }

  public int dilation() {
    return dilation;
  }

  public boolean hasRelu() {
    return relu;
  }

  /** True when the ResNet-D average pool runs before the conv. */
  public boolean hasVdPool() {
    return vdPool;
  }

  @Override
  protected NDList forwardBlock(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (vdPool) {
      x = EngineCompat.averagePool2x2(x);
    }
    FrozenWeights frozen = training ? null : Autocast.frozenWeights();
    if (frozen != null) {
      x = foldedConvolution(ps, x, frozen);
    } else {
      x = run(conv, ps, x, training, params);
      x = training ? trainingBatchNorm(ps, x) : inferenceBatchNorm(ps, x);
    }
    if (relu) {
      x = Activation.relu(x);
    }
    return new NDList(x);
  }

  /**
   * Batch norm in training with Paddle's statistics. PyTorch's kernel moves the running variance
   * towards the unbiased batch variance, Paddle's towards the biased one (divided by n = N*H*W, not
   * n-1); the difference matters where n is small, e.g. n = batch size in the ASPP's image pooling.
   * From the old value v0 and PyTorch's update v1 = 0.9 v0 + 0.1 u (u unbiased), Paddle's value is
   * v1 (n-1)/n + 0.9 v0 / n. With one value per channel (batch 1 through the image pooling) PyTorch
   * refuses to normalise and Paddle's kernels pass the input through (y = x, statistics untouched):
   * do the same.
   */
  private NDArray trainingBatchNorm(ParameterStore ps, NDArray x) {
    Shape s = x.getShape();
    long n = s.get(0) * s.get(2) * s.get(3);
    if (n == 1) {
      return x;
    }
    PairList<String, Parameter> p = bn.getDirectParameters();
    Device device = x.getDevice();
    NDArray gamma = ps.getValue(p.get("gamma"), device, true);
    NDArray beta = ps.getValue(p.get("beta"), device, true);
    NDArray runningMean = ps.getValue(p.get("runningMean"), device, true);
    NDArray runningVar = ps.getValue(p.get("runningVar"), device, true);
    // The kernel updates a scratch copy: autograd keeps a reference to the variance it was given
    // and refuses a backward pass if that tensor changes afterwards.
    NDArray scratchVar = runningVar.duplicate();
    scratchVar.attach(x.getManager());
    NDArray y =
        BatchNorm.batchNorm(
                x, runningMean, scratchVar, gamma, beta, CHANNELS_AXIS, BN_MOMENTUM, BN_EPS, true)
            .singletonOrThrow();
    NDManager step = x.getManager();
    runningVar.muli(scalar(BN_MOMENTUM / n, step)).addi(scratchVar.mul(scalar((n - 1f) / n, step)));
    return y;
  }

  /** Batch norm on the running statistics (evaluation, a frozen teacher). */
  private NDArray inferenceBatchNorm(ParameterStore ps, NDArray x) {
    PairList<String, Parameter> p = bn.getDirectParameters();
    Device device = x.getDevice();
    NDArray gamma = ps.getValue(p.get("gamma"), device, false);
    NDArray beta = ps.getValue(p.get("beta"), device, false);
    NDArray runningMean = ps.getValue(p.get("runningMean"), device, false);
    NDArray runningVar = ps.getValue(p.get("runningVar"), device, false);
    return BatchNorm.batchNorm(
            x, runningMean, runningVar, gamma, beta, CHANNELS_AXIS, BN_MOMENTUM, BN_EPS, false)
        .singletonOrThrow();
  }

  /**
   * The convolution and the batch norm on its running statistics as one convolution; in a bf16
   * scope with the folded weights' and bias's bfloat16 copies (made once too).
   */
  private NDArray foldedConvolution(ParameterStore ps, NDArray x, FrozenWeights frozen) {
    Device device = x.getDevice();
    NDArray w = conv.weightValue(ps, device);
    FrozenWeights.FoldedConv folded =
        frozen.folded(w, () -> fold(ps, w, conv.biasValue(ps, device)));
    boolean bf16 = Autocast.bf16();
    NDArray weight = bf16 ? frozen.bf16(folded.weight()) : folded.weight();
    NDArray bias = bf16 ? frozen.bf16(folded.bias()) : folded.bias();
    return Convolutions.conv2d(x, weight, bias, conv.geometry(), bf16);
  }

  /**
   * The folded weights and bias, computed in float64 and rounded to float32 once, so each is the
   * float32 number nearest the exact product; they live in the weight's manager, as long as it.
   */
  private FrozenWeights.FoldedConv fold(ParameterStore ps, NDArray w, NDArray convBias) {
    PairList<String, Parameter> p = bn.getDirectParameters();
    Device device = w.getDevice();
    NDManager home = w.getManager();
    try (NDManager scratch = home.newSubManager()) {
      NDArray gamma = float64(ps.getValue(p.get("gamma"), device, false), scratch);
      NDArray beta = float64(ps.getValue(p.get("beta"), device, false), scratch);
      NDArray mean = float64(ps.getValue(p.get("runningMean"), device, false), scratch);
      NDArray var = float64(ps.getValue(p.get("runningVar"), device, false), scratch);
      NDArray scale = gamma.div(var.add((double) BN_EPS).sqrt());
      NDArray weight =
          float64(w, scratch).mul(scale.reshape(-1, 1, 1, 1)).toType(DataType.FLOAT32, false);
      NDArray shift = convBias == null ? mean.neg() : float64(convBias, scratch).sub(mean);
      NDArray bias = beta.add(shift.mul(scale)).toType(DataType.FLOAT32, false);
      weight.attach(home);
      bias.attach(home);
      return new FrozenWeights.FoldedConv(weight, bias);
    }
  }

  private static NDArray float64(NDArray a, NDManager scratch) {
    NDArray copy = a.toType(DataType.FLOAT64, true);
    copy.attach(scratch);
    return copy;
  }

  /**
   * {@code value} as a reused CPU scalar (no tensor made on a GPU per call, see {@link
   * HostScalars}), or as a fresh one when the shared cache is full.
   */
  private static NDArray scalar(float value, NDManager fallback) {
    NDArray shared = HostScalars.shared(value);
    return shared != null ? shared : fallback.create(value);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {outputShape(inputShapes[0])};
  }

  private Shape poolShape(Shape in) {
    if (!vdPool) {
      return in;
    }
    return new Shape(
        in.get(0),
        in.get(1),
        PaddleConv.ceilPoolSize(in.get(2), 2, 2, 0),
        PaddleConv.ceilPoolSize(in.get(3), 2, 2, 0));
  }

  private Shape outputShape(Shape in) {
    Shape p = poolShape(in);
    return new Shape(
        p.get(0),
        outChannels,
        PaddleConv.outSize(p.get(2), kernel, stride, padding, dilation),
        PaddleConv.outSize(p.get(3), kernel, stride, padding, dilation));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape p = poolShape(inputShapes[0]);
    conv.initialize(manager, dataType, p);
    bn.initialize(manager, dataType, outputShape(inputShapes[0]));
  }

  /** Builds a {@link ConvBNLayer}; defaults: stride 1, dilation 1, no bias, no ReLU, no pool. */
  public static final class Builder {
    private TapHub taps;
    private String path;
    private int inChannels;
    private int outChannels;
    private int kernel;
    private int stride = 1;
    private int padding = -1;
    private int dilation = 1;
    private int groups = 1;
    private boolean bias;
    private boolean relu;
    private boolean vdPool;

    private Builder() {}

    public Builder setTaps(TapHub taps, String path) {
      this.taps = taps;
      this.path = path;
      return this;
    }

    public Builder setChannels(int inChannels, int outChannels) {
      this.inChannels = inChannels;
      this.outChannels = outChannels;
      return this;
    }

    public Builder setKernel(int kernel) {
      this.kernel = kernel;
      return this;
    }

    public Builder optStride(int stride) {
      this.stride = stride;
      return this;
    }

    /** Explicit padding; by default (k-1)/2, or the dilation when dilated. */
    public Builder optPadding(int padding) {
      this.padding = padding;
      return this;
    }

    public Builder optDilation(int dilation) {
      this.dilation = dilation;
      return this;
    }

    public Builder optGroups(int groups) {
      this.groups = groups;
      return this;
    }

    public Builder optBias(boolean bias) {
      this.bias = bias;
      return this;
    }

    public Builder optRelu(boolean relu) {
      this.relu = relu;
      return this;
    }

    /** ResNet-D's 2x2 stride-2 average pool (ceil mode, exclusive) before the conv. */
    public Builder optVdPool(boolean vdPool) {
      this.vdPool = vdPool;
      return this;
    }

    public ConvBNLayer build() {
      if (taps == null || path == null || inChannels <= 0 || outChannels <= 0 || kernel <= 0) {
        throw new IllegalStateException("ConvBNLayer needs taps, path, channels and kernel");
      }
      return new ConvBNLayer(this);
    }
  }
}
