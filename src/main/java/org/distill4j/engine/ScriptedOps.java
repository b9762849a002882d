package org.distill4j.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kernels that DJL 0.36's NDArray API cannot express in one call, run as methods of a small
 * TorchScript module ({@code scripted_ops.torchscript}, packed by {@link TorchScriptArchive} and
 * compiled by libtorch when loaded, once per process):
 *
 * <ul>
 *   <li>{@link #momentum}: the SGD-with-momentum update of all parameters in one call, with
 *       libtorch's fused SGD kernel ({@code _fused_sgd_}, what {@code torch.optim.SGD(fused=True)}
 *       runs; a module of its own, {@code fused_sgd.torchscript}, since libtorch has it only from
 *       2.4 on) or, where that is missing, with multi-tensor ({@code _foreach_}) operations. Per
 *       parameter, DJL needs six calls across JNI (each a Java object and a native tensor); a
 *       ResNet50 has about 320 parameter arrays, most of them BatchNorm vectors of a few hundred
 *       numbers, so the update was mostly call overhead (and on a GPU, mostly kernel launches). The
 *       fused kernel also reads and writes each array once, where six element-wise passes read the
 *       27 million weights of a ResNet50 model twelve times: 13 against 35-50 ms per update on a
 *       2-core CPU.
 *   <li>{@link #conv2dBf16}: a convolution computed in bfloat16, for bf16 mixed precision, {@link
 *       #toFloat32} to leave it and {@link #toBfloat16} to round a frozen model's weights once. DJL
 *       0.36 cannot make a bfloat16 tensor (its native type table has no entry for it: {@code
 *       toType(BFLOAT16)} aborts the process), but an array it gets back from a method may be one:
 *       DJL reports its type as {@code UNKNOWN}, and libtorch's operations take it like any other.
 *       Gradients flow through both as through any libtorch operation.
 *   <li>{@link #conv2dPhases}: a dilated convolution computed on the input's phases with an
 *       undilated kernel, where libtorch's CPU kernel for large dilations is slow ({@link
 *       DilatedConvolutions}).
 *   <li>{@link #upsampleBilinear}: bilinear enlarging without the anti-aliasing that DJL's
 *       interpolate always requests.
 * </ul>
 *
 * <p>The fused update is PyTorch's own SGD arithmetic; it may round the last bit differently from
 * the per-parameter update (its compiler may fuse a multiply and an add), the multi-tensor one is
 * bit for bit the per-parameter arithmetic (the same element-wise operations in the same order;
 * both tested). The resize is PyTorch's own non-anti-aliased kernel. {@code
 * -Ddistill4j.scripted_ops=false} switches them off (the update falls back to per-parameter calls;
 * bf16 is then refused), to compare or to rule them out.
 */
public final class ScriptedOps {
  /** System property; {@code false} switches the scripted kernels off. */
  public static final String ENABLED_PROPERTY = "distill4j.scripted_ops";

  /**
   * The most elements one multi-tensor {@link #momentum} call updates (4 MiB of float32): each call
   * makes two temporaries the size of its group, so groups stay small enough to be cheap in memory
   * while merging the many small arrays (a few large ones are a group each). The fused kernel makes
   * no temporaries and takes all parameters in one call.
   */
  public static final long GROUP_ELEMENTS = 1L << 20;

  private static final String RESOURCE = "scripted_ops.torchscript";
  private static final String FUSED_SGD_RESOURCE = "fused_sgd.torchscript";
  private static final String CPU_BF16_RESOURCE = "cpu_bf16.torchscript";
  private static final Object LOCK = new Object();
  private static volatile ScriptedOps instance;
  private static String unavailableReason;

  private final NDManager manager;
  private final PtSymbolBlock module;

  /** libtorch's fused SGD kernel, or null where this libtorch lacks it. */
  private final PtSymbolBlock fusedSgd;

  private final String fusedSgdUnavailableReason;

  /** {@link #onednnBf16OnCpu()}'s answer once asked; null before. */
  private Optional<Boolean> onednnBf16OnCpu;

  /** The convolution geometries' int64 tensors, made once each. */
  private final Map<List<Long>, NDArray> geometries = new HashMap<>();

  private final Map<String, NDArray> methodMarkers = new HashMap<>();

  /** {@link #bf16KernelAgrees}'s answers, by shapes, bias, gradients and geometry. */
  private final Map<Bf16Question, Boolean> bf16Verdicts = new HashMap<>();

  private boolean bf16FallbackReported;

  /** The shapes whose bfloat16 kernel disagreed, in the order they were found. */
  private final List<Convolutions.Call> bf16Fallbacks = new ArrayList<>();

  private ScriptedOps(
      NDManager manager,
      PtSymbolBlock module,
      PtSymbolBlock fusedSgd,
      String fusedSgdUnavailableReason) {
    this.manager = manager;
    this.module = module;
    this.fusedSgd = fusedSgd;
    this.fusedSgdUnavailableReason = fusedSgdUnavailableReason;
  }

  /**
   * The process's kernels, loaded on first use; null when they cannot be used here ({@link
   * #unavailableReason()} says why): switched off by {@value #ENABLED_PROPERTY}, or an engine other
   * than PyTorch.
   */
  public static ScriptedOps get() {
    ScriptedOps loaded = instance; // read without the lock: asked per convolution and per resize
    if (loaded != null) {
      return loaded;
    }
    synchronized (LOCK) {
      if (instance == null && unavailableReason == null) {
        load();
      }
      return instance;
    }
  }

  /** Why {@link #get()} answers null, or null when the kernels are available. */
  public static String unavailableReason() {
    get();
    synchronized (LOCK) {
      return unavailableReason;
    }
  }

  /** True when every array is a libtorch tensor, so that the kernels can take them. */
  public static boolean accepts(List<NDArray> arrays) {
    for (NDArray a : arrays) {
      if (!(a instanceof PtNDArray)) {
        return false;
      }
    }
    return true;
  }

  private static void load() {
    if ("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY, "true").trim())) {
      unavailableReason = "switched off by -D" + ENABLED_PROPERTY + "=false";
      return;
    }
    Engine engine = Engine.getInstance();
    if (!"PyTorch".equals(engine.getEngineName())) {
      unavailableReason = "they need the PyTorch engine, not " + engine.getEngineName();
      return;
    }
    NDManager manager = engine.newBaseManager(Device.cpu());
    try {
      PtSymbolBlock module = loadModule(manager, archive());
      PtSymbolBlock fusedSgd = null;
      String fusedSgdReason = null;
      try {
        fusedSgd = loadModule(manager, fusedSgdArchive());
      } catch (RuntimeException e) {
        // Older libtorch (the cu118 line's 2.0.1) has no _fused_sgd_: the multi-tensor update
        // does the same arithmetic there, bit for bit the per-parameter one.
        fusedSgdReason = "libtorch could not load _fused_sgd_: " + e.getMessage();
      }
      instance = new ScriptedOps(manager, module, fusedSgd, fusedSgdReason);
    } catch (IOException e) {
      manager.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      manager.close();
      unavailableReason = "libtorch could not load them: " + e.getMessage();
    }
  }

  private static PtSymbolBlock loadModule(NDManager manager, byte[] archive) throws IOException {
    try (InputStream in = new ByteArrayInputStream(archive)) {
      return JniUtils.loadModule((PtNDManager) manager, in, false, false);
    }
  }

  /** The module archive's bytes (for tests). */
  static byte[] archive() throws IOException {
    return archive(RESOURCE, "scripted_ops", "ScriptedOps");
  }

  /** The fused SGD module archive's bytes (for tests). */
  static byte[] fusedSgdArchive() throws IOException {
    return archive(FUSED_SGD_RESOURCE, "fused_sgd", "FusedSgd");
  }

  private static byte[] archive(String resource, String archiveName, String className)
      throws IOException {
    try (InputStream in = ScriptedOps.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("resource missing: " + resource);
      }
      String code = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return TorchScriptArchive.build(archiveName, className, code);
    }
  }

  /** The CPU bfloat16 question's module archive's bytes (for tests). */
  static byte[] cpuBf16Archive() throws IOException {
    return archive(CPU_BF16_RESOURCE, "cpu_bf16", "CpuBf16");
  }

  /**
   * libtorch's own answer to whether its CPU convolutions compute bfloat16 with oneDNN here (on
   * x86: whether the instruction set oneDNN may use reaches AVX-512, {@code ONEDNN_MAX_CPU_ISA}
   * included); empty where this libtorch cannot answer (it lacks the operator). Where the answer is
   * no, libtorch computes bfloat16 convolutions with its own reference kernel. Asked once, then
   * remembered.
   */
  public synchronized Optional<Boolean> onednnBf16OnCpu() {
    if (onednnBf16OnCpu == null) {
      Optional<Boolean> answer;
      try {
        PtSymbolBlock probe = loadModule(manager, cpuBf16Archive());
        try (IValue result = IValueUtils.runMethod(probe, "onednn_bf16")) {
          answer = Optional.of(result.toBoolean());
        } finally {
          probe.close();
        }
      } catch (IOException | RuntimeException e) {
        // A libtorch without mkldnn::_is_mkldnn_bf16_supported (or without oneDNN) cannot say.
        answer = Optional.empty();
      }
      onednnBf16OnCpu = answer;
    }
    return onednnBf16OnCpu;
  }

  /**
   * Why {@link #momentum} uses the multi-tensor update rather than libtorch's fused kernel, or null
   * when it uses the fused one.
   */
  public String fusedSgdUnavailableReason() {
    return fusedSgdUnavailableReason;
  }

  /**
   * Updates each {@code weights[i]} in place with SGD with momentum, {@code g' = g + weightDecay *
   * w; v = momentum * v + g'; w -= lr * v} per element (float32 scalars, as DJL's arithmetic with a
   * number; with momentum 0, {@code w -= lr * g'} and the velocities are not touched). With
   * libtorch's fused kernel ({@link #fusedSgdUnavailableReason()} null) all in one call, the
   * gradients left as they are, when every array is contiguous; else with {@link
   * #momentumMultiTensor}. Runs without autograd.
   */
  public void momentum(
      List<NDArray> weights,
      List<NDArray> grads,
      List<NDArray> velocities,
      double lr,
      double momentum,
      double weightDecay) {
    checkSameLength(weights, grads, velocities);
    if (fusedSgd == null
        || !runMomentum(fusedSgd, weights, grads, velocities, lr, momentum, weightDecay)) {
      // No fused kernel here, or an array that is not one contiguous block (a view), which the
      // fused kernel would read and write wrongly.
      momentumMultiTensor(weights, grads, velocities, lr, momentum, weightDecay);
    }
  }

  /**
   * {@link #momentum} with multi-tensor operations, bit for bit the per-parameter {@code g +=
   * weightDecay * w; v = momentum * v + g; w -= lr * v}: {@code grads} are overwritten (the decay
   * is added into them). The lists are split into groups of at most {@link #GROUP_ELEMENTS}
   * elements, each one call.
   */
  void momentumMultiTensor(
      List<NDArray> weights,
      List<NDArray> grads,
      List<NDArray> velocities,
      double lr,
      double momentum,
      double weightDecay) {
    checkSameLength(weights, grads, velocities);
    int n = weights.size();
    int start = 0;
    while (start < n) {
      int end = start;
      long elements = 0;
      while (end < n && (end == start || elements + weights.get(end).size() <= GROUP_ELEMENTS)) {
        elements += weights.get(end).size();
        end++;
      }
      runMomentum(
          module,
          weights.subList(start, end),
          grads.subList(start, end),
          velocities.subList(start, end),
          lr,
          momentum,
          weightDecay);
      start = end;
    }
  }

  private static void checkSameLength(
      List<NDArray> weights, List<NDArray> grads, List<NDArray> velocities) {
    int n = weights.size();
    if (grads.size() != n || velocities.size() != n) {
      throw new IllegalArgumentException(
          "weights, grads and velocities differ in length: "
              + n
              + ", "
              + grads.size()
              + ", "
              + velocities.size());
    }
  }

  /**
   * Runs {@code target}'s momentum method; true unless the method answered false (the fused one
   * does when an array is not contiguous, and then changes nothing).
   */
  private static boolean runMomentum(
      PtSymbolBlock target,
      List<NDArray> weights,
      List<NDArray> grads,
      List<NDArray> velocities,
      double lr,
      double momentum,
      double weightDecay) {
    IValue[] inputs = {
      tensorList(weights),
      tensorList(grads),
      tensorList(velocities),
      IValue.from(lr),
      IValue.from(momentum),
      IValue.from(weightDecay)
    };
    try {
      try (IValue result = IValueUtils.runMethod(target, "momentum", inputs)) {
        return !result.isBoolean() || result.toBoolean();
      }
    } finally {
      for (IValue v : inputs) {
        v.close();
      }
    }
  }

  private static IValue tensorList(List<NDArray> arrays) {
    PtNDArray[] tensors = new PtNDArray[arrays.size()];
    for (int i = 0; i < tensors.length; i++) {
      tensors[i] = (PtNDArray) arrays.get(i);
    }
    return IValue.listFrom(tensors);
  }

  /**
   * {@code conv2d(x, weight, bias)} computed in bfloat16 (float32 inputs rounded to bf16,
   * accumulation as libtorch's bf16 kernels do it) with a bfloat16 result (see {@link
   * Autocast#isBf16}), recorded by autograd when gradients are being recorded. The result lives in
   * {@code x}'s manager. Where libtorch's bfloat16 kernel gives wrong numbers for these shapes on
   * this CPU ({@link #bf16KernelAgrees}), the same numbers are computed from float32.
   *
   * @param bias null for none
   * @param geometry stride, padding and dilation (height, width each) and groups
   */
  public NDArray conv2dBf16(NDArray x, NDArray weight, NDArray bias, ConvGeometry geometry) {
    // The check runs libtorch's CPU kernel; a GPU's kernels are other ones and are not checked.
    boolean emulate =
        !x.getDevice().isGpu()
            && emulates(x, x.getShape(), weight.getShape(), bias != null, geometry);
    return conv2dBf16(x, weight, bias, geometry, emulate);
  }

  /**
   * {@link #conv2dBf16}, with libtorch's bfloat16 kernel, or with {@code emulate} in float32 from
   * the operands rounded to bfloat16, the result rounded to bfloat16.
   */
  NDArray conv2dBf16(
      NDArray x, NDArray weight, NDArray bias, ConvGeometry geometry, boolean emulate) {
    NDArray g = geometryTensor(geometry, emulate);
    NDList inputs =
        bias == null
            ? new NDList(x, weight, g, marker("conv2d_bf16"))
            : new NDList(x, weight, bias, g, marker("conv2d_bias_bf16"));
    return IValueUtils.forward(module, inputs, true).singletonOrThrow();
  }

  /**
   * A dilated "same" convolution ({@link ConvGeometry#phaseSplittable}) computed as an undilated
   * one on the input's dilation x dilation phases stacked along the batch, in float32 or, with
   * {@code bf16}, as {@link #conv2dBf16} computes (a bfloat16 result). The same sums as the direct
   * convolution, within float rounding; recorded by autograd when gradients are being recorded. The
   * result lives in {@code x}'s manager. {@link DilatedConvolutions} decides where it pays.
   *
   * @param bias null for none
   */
  public NDArray conv2dPhases(
      NDArray x, NDArray weight, NDArray bias, ConvGeometry geometry, boolean bf16) {
    if (!geometry.phaseSplittable(weight.getShape())) {
      throw new IllegalArgumentException(
          "conv2dPhases needs a stride-1 convolution padded to keep its size, with one dilation"
              + " for both axes; got "
              + geometry
              + " with a kernel of "
              + weight.getShape());
    }
    boolean emulate = false;
    if (bf16 && !x.getDevice().isGpu()) {
      // The bfloat16 kernel runs on the phases: check it for their shape and geometry.
      Shape s = x.getShape();
      long d = geometry.dilationH();
      Shape phases =
          new Shape(
              s.get(0) * d * d,
              s.get(1),
              DilatedConvolutions.ceilDiv(s.get(2), d),
              DilatedConvolutions.ceilDiv(s.get(3), d));
      ConvGeometry undilated =
          new ConvGeometry(1, 1, geometry.padH() / d, geometry.padW() / d, 1, 1, geometry.groups());
      emulate = emulates(x, phases, weight.getShape(), bias != null, undilated);
    }
    NDArray g = geometryTensor(geometry, emulate);
    String suffix = bf16 ? "_phases_bf16" : "_phases";
    NDList inputs =
        bias == null
            ? new NDList(x, weight, g, marker("conv2d" + suffix))
            : new NDList(x, weight, bias, g, marker("conv2d_bias" + suffix));
    return IValueUtils.forward(module, inputs, true).singletonOrThrow();
  }

  private static boolean gradMode() {
    return JniUtils.isGradMode();
  }

  /**
   * Whether a bfloat16 convolution of {@code x} (computed as one of shape {@code input}) must be
   * computed from float32 on this CPU: where libtorch's kernel is wrong for what this call computes
   * ({@link #bf16KernelAgrees}): its output and, when autograd records, the gradients of weights
   * and bias, and of the input where autograd computes that one too (not for a model's first layer,
   * whose input is the images: on one CPU the stem's input gradient alone was wrong). A shape
   * computed from float32 is listed ({@link #bf16Fallbacks}) and the first one named in a warning.
   */
  private synchronized boolean emulates(
      NDArray x, Shape input, Shape kernel, boolean hasBias, ConvGeometry geometry) {
    boolean gradients = gradMode();
    if (bf16KernelAgrees(
        new Bf16Question(input, kernel, hasBias, geometry, gradients, gradients))) {
      return false;
    }
    // Asked only here, for the few shapes the kernel gets wrong: one more call into libtorch.
    boolean inputGradient = gradients && needsGradient(x);
    if (gradients
        && !inputGradient
        && bf16KernelAgrees(new Bf16Question(input, kernel, hasBias, geometry, true, false))) {
      return false;
    }
    Convolutions.Call call = new Convolutions.Call(input, kernel, hasBias, geometry, inputGradient);
    if (!bf16Fallbacks.contains(call)) {
      bf16Fallbacks.add(call);
    }
    if (!bf16FallbackReported) {
      bf16FallbackReported = true;
      System.err.println(
          "warning: amp bf16: libtorch's bfloat16 convolution gives wrong numbers on this CPU for "
              + call.describe()
              + "; such convolutions are computed from float32 instead (the numbers bfloat16"
              + " should give, more slowly; check --kernels lists them all)");
    }
    return true;
  }

  /**
   * Whether autograd will compute {@code x}'s gradient: libtorch's {@code requires_grad}, true for
   * an activation computed from weights that need one, false for input images. Asked through the
   * scripted module, since DJL 0.36's own question ({@code hasGradient}, {@code
   * JniUtils.requiresGrad}) answered false for the results of a convolution and of a product with
   * weights that need a gradient (checked: autograd had recorded both).
   */
  boolean needsGradient(NDArray x) {
    try (NDList answer =
        IValueUtils.forward(module, new NDList(x, marker("requires_grad")), true)) {
      return answer.singletonOrThrow().getFloat() == 1f;
    }
  }

  /**
   * Whether libtorch's bfloat16 convolution of an input of the question's shape with weights of its
   * kernel's (and a bias) gives the numbers it should on this CPU: the forward pass, and with
   * {@code withGradients} the gradients of the weights and bias and, with {@code
   * withInputGradient}, of the input (autograd computes it only for an input that needs it: not for
   * a model's first layer, whose input is the images), against the same convolution computed in
   * float32 from operands rounded to bfloat16 (what the bfloat16 kernel is meant to compute), on
   * fixed probe values, within bfloat16 rounding. Checked once per shape and process, on first use,
   * with libtorch's CPU kernels (a GPU's are other ones and are not checked).
   *
   * <p>Why: libtorch 2.7.1's oneDNN has been seen computing wrong bfloat16 convolutions on a CPU
   * with AVX512_BF16 (AMD EPYC, family 26) for some shapes: output channels that are not a multiple
   * of 16 (3x3 kernels), the input gradient of 1x1 convolutions with such output channels, of
   * depthwise convolutions with stride 2 and of a few others, errors of the order of the values
   * themselves, where the same shapes were right on another AVX512_BF16 CPU and in PyTorch 1.13 on
   * this one (docs/reliability.md, "Convolutions that libtorch gets wrong on one CPU"). The
   * convolutions of the tutorial's models were right; a model with other channel counts (another
   * number of classes, an adaptor) need not be.
   */
  public synchronized boolean bf16KernelAgrees(Bf16Question question) {
    Boolean known = bf16Verdicts.get(question);
    if (known != null) {
      return known;
    }
    boolean agrees;
    // Through forward, as the kernels: it computes the gradients under the caller's grad mode.
    try (NDArray javaBacked = manager.create(question.scriptShapes());
        NDArray owned = javaBacked.duplicate();
        NDList answer =
            IValueUtils.forward(
                module,
                new NDList(
                    owned,
                    geometryTensor(question.geometry(), false),
                    marker("bf16_kernel_agrees")),
                true)) {
      agrees = answer.singletonOrThrow().getFloat() == 1f;
    }
    bf16Verdicts.put(question, agrees);
    return agrees;
  }

  /** Whether {@link #bf16KernelAgrees} has been asked {@code question}. */
  synchronized boolean verdictKnown(Bf16Question question) {
    return bf16Verdicts.containsKey(question);
  }

  /**
   * One question {@link #bf16KernelAgrees} answers: a convolution's shapes, bias and geometry, and
   * which gradients are checked (the input's only with the others).
   */
  public record Bf16Question(
      Shape input,
      Shape kernel,
      boolean hasBias,
      ConvGeometry geometry,
      boolean withGradients,
      boolean withInputGradient) {
    public Bf16Question {
      withInputGradient = withGradients && withInputGradient;
    }

    /** The script's shapes: input, kernel, has bias, with gradients, with the input's gradient. */
    private long[] scriptShapes() {
      long[] shapes = new long[11];
      System.arraycopy(input.getShape(), 0, shapes, 0, 4);
      System.arraycopy(kernel.getShape(), 0, shapes, 4, 4);
      shapes[8] = hasBias ? 1 : 0;
      shapes[9] = withGradients ? 1 : 0;
      shapes[10] = withInputGradient ? 1 : 0;
      return shapes;
    }
  }

  /**
   * The bfloat16 convolution shapes this process has computed from float32 because libtorch's
   * bfloat16 kernel was wrong for them ({@link #bf16KernelAgrees}), in the order they were found,
   * each marked with whether its input's gradient was asked for; a dilated convolution computed on
   * its phases appears as the undilated convolution of its phases, one computed from its center
   * taps ({@link CenterTaps}) as that smaller convolution.
   */
  public synchronized List<Convolutions.Call> bf16Fallbacks() {
    return List.copyOf(bf16Fallbacks);
  }

  /**
   * {@code x} in float32: a new array for a bfloat16 one (recorded by autograd, so gradients flow
   * back in bfloat16), and a second handle on the same tensor for any other type.
   */
  public NDArray toFloat32(NDArray x) {
    return IValueUtils.forward(module, new NDList(x, marker("to_float32")), true)
        .singletonOrThrow();
  }

  /**
   * {@code x} rounded to bfloat16 (a new array; a second handle on the same tensor when it already
   * is bfloat16), for {@link FrozenWeights}. The result lives in {@code x}'s manager.
   */
  public NDArray toBfloat16(NDArray x) {
    return IValueUtils.forward(module, new NDList(x, marker("to_bfloat16")), true)
        .singletonOrThrow();
  }

  /**
   * {@code x} laid out densely: a new array for a strided view (recorded by autograd, unlike DJL's
   * {@code duplicate}, which detaches), {@code x} itself otherwise. The result lives in {@code x}'s
   * manager.
   */
  public NDArray contiguous(NDArray x) {
    return IValueUtils.forward(module, new NDList(x, marker("contiguous")), true)
        .singletonOrThrow();
  }

  /**
   * Bilinear enlarging with align_corners=False, as PyTorch's and Paddle's {@code interpolate}
   * compute it (not the anti-aliased kernel DJL 0.36's interpolate always asks for: the same values
   * up to the last bit, and slower). Recorded by autograd; the result lives in {@code x}'s manager.
   */
  public NDArray upsampleBilinear(NDArray x, long height, long width) {
    // Made per call, not cached (evaluation sees as many sizes as image shapes), and on the CPU
    // whatever x's device (reading a GPU tensor's numbers would wait for the GPU). The kernel reads
    // the two numbers during the call; autograd keeps them as numbers.
    try (NDArray size = manager.create(new long[] {height, width})) {
      return IValueUtils.forward(module, new NDList(x, size, marker("upsample_bilinear")), true)
          .singletonOrThrow();
    }
  }

  /**
   * A reused int64 CPU tensor holding the geometry and the {@code emulate} flag of the bfloat16
   * convolution (a model has a few dozen different geometries).
   */
  private synchronized NDArray geometryTensor(ConvGeometry g, boolean emulate) {
    List<Long> values = g.asList();
    values.add(emulate ? 1L : 0L);
    return geometries.computeIfAbsent(
        values,
        k -> {
          long[] array = k.stream().mapToLong(Long::longValue).toArray();
          try (NDArray javaBacked = manager.create(array)) {
            // A libtorch-owned copy, as OwnedArrays makes constants (create() wraps a Java
            // buffer, which must not be what a kernel reads after the wrapper is collected).
            NDArray owned = javaBacked.duplicate();
            owned.attach(manager);
            return owned;
          }
        });
  }

  /** A tiny array whose name tells DJL's module call which method to run. */
  private synchronized NDArray marker(String method) {
    return methodMarkers.computeIfAbsent(
        method,
        m -> {
          NDArray a = manager.zeros(new Shape(1));
          a.setName("module_method:" + m);
          return a;
        });
  }

  /** Stride, padding, dilation (each height, width) and groups of a 2-D convolution. */
  public record ConvGeometry(
      long strideH,
      long strideW,
      long padH,
      long padW,
      long dilationH,
      long dilationW,
      long groups) {
    /** From DJL-style shapes (height, width) and a group count. */
    public static ConvGeometry of(Shape stride, Shape padding, Shape dilation, int groups) {
      return new ConvGeometry(
          stride.get(0),
          stride.get(1),
          padding.get(0),
          padding.get(1),
          dilation.get(0),
          dilation.get(1),
          groups);
    }

    /**
     * True for a convolution whose output has its input's size and whose taps are {@code dilation}
     * apart on both axes: stride 1, one dilation for both axes, and padding {@code dilation x
     * (kernel - 1) / 2} for an odd kernel (the {@code kernel} shape's last two axes). Only such a
     * convolution can be computed on the input's phases with an undilated kernel.
     */
    public boolean phaseSplittable(Shape kernel) {
      long kh = kernel.get(kernel.dimension() - 2);
      long kw = kernel.get(kernel.dimension() - 1);
      return strideH == 1
          && strideW == 1
          && dilationH == dilationW
          && dilationH > 1
          && kh % 2 == 1
          && kw % 2 == 1
          && padH == dilationH * (kh - 1) / 2
          && padW == dilationW * (kw - 1) / 2;
    }

    List<Long> asList() {
      return new ArrayList<>(
          Arrays.asList(strideH, strideW, padH, padW, dilationH, dilationW, groups));
    }
  }
}
