package org.distill4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.distill4j.engine.Convolutions;
import org.distill4j.models.backbones.BackboneSpec;
import org.distill4j.models.taps.TapPaths;

/**
 * A segmentation network as the rest of distill4j uses it: the DJL {@link Block}, its name and
 * classes, its tap paths (named intermediate tensors for distillation), initialisation, and weights
 * files. Built from config through {@link Models#registry()}.
 *
 * <p>The block's forward takes an N x C x H x W float batch and returns an NDList with one logit
 * tensor N x num_classes x H x W, in training and inference alike.
 *
 * <p>Taps: attach a {@link TapRecorder} with {@link #record(TapRecorder)} (or {@link
 * #attachRecorder}), run forward passes, read the tensors. Paths are checked when the recorder is
 * attached; PaddleSeg's own sublayer names are accepted as aliases.
 */
public final class SegmentationModel {
  private final String name;
  private final Supplier<? extends SegmentationNet> factory;
  private final SegmentationNet net;
  private final BackboneSpec backboneSpec;
  private final Path pretrained;

  private NDManager manager;
  private TapRecorder attached;
  private Consumer<String> messages = System.out::println;

  /**
   * @param name e.g. {@code DeepLabV3P-ResNet50_vd}
   * @param factory builds the network; called once here and again for each weights load
   * @param backboneSpec the backbone's settings (name, pretrained backbone weights)
   * @param pretrained our saved weights of the whole model, or null
   */
  public SegmentationModel(
      String name,
      Supplier<? extends SegmentationNet> factory,
      BackboneSpec backboneSpec,
      Path pretrained) {
    this.name = name;
    this.factory = factory;
    this.net = factory.get();
    this.backboneSpec = backboneSpec;
    this.pretrained = pretrained;
  }

  public Block block() {
    return net.block();
  }

  public String name() {
    return name;
  }

  public int numClasses() {
    return net.numClasses();
  }

  public boolean alignCorners() {
    return net.alignCorners();
  }

  public BackboneSpec backboneSpec() {
    return backboneSpec;
  }

  /** The model-level {@code pretrained} weights; {@link #initialize} loads them. */
  public Optional<Path> pretrainedPath() {
    return Optional.ofNullable(pretrained);
  }

  /** See {@link SegmentationNet#logitSourceTap()}. */
  public Optional<String> logitSourceTap() {
    return net.logitSourceTap();
  }

  /** See {@link SegmentationNet#logitsFrom}. */
  public NDArray logitsFrom(NDArray source, long height, long width) {
    return net.logitsFrom(source, height, width);
  }

  /**
   * SHA-256 of every parameter's name and values, in block order: identifies the weights a model
   * holds now, wherever they were loaded from.
   */
  public String parametersSha256() {
    java.security.MessageDigest digest = org.distill4j.io.Sha256.digest();
    for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block().getParameters()) {
      digest.update(p.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      float[] v = p.getValue().getArray().toFloatArray();
      org.distill4j.io.Sha256.update(digest, v, 0, v.length);
    }
    return org.distill4j.io.Sha256.hex(digest);
  }

  /** Every tap path and published name, in the order a forward pass produces them. */
  public List<String> tapPaths() {
    return net.taps().names();
  }

  /**
   * The canonical tap name for {@code path} (PaddleSeg spellings such as {@code backbone.bb_1_0}
   * map to ours), or a ConfigException naming the nearest real paths.
   */
  public String resolveTapPath(String path) {
    return TapPaths.resolve(path, net.taps(), name);
  }

  /** Throws a ConfigException with the nearest real paths when {@code path} is not a tap. */
  public void checkTapPath(String path) {
    resolveTapPath(path);
  }

  /**
   * Makes {@code recorder} receive this model's taps until {@link #detachRecorder()}; replaces any
   * recorder attached before. Every requested name is checked first.
   */
  public void attachRecorder(TapRecorder recorder) {
    Map<String, List<String>> routes = new LinkedHashMap<>();
    for (String requested : recorder.requested()) {
      routes.computeIfAbsent(resolveTapPath(requested), k -> new ArrayList<>()).add(requested);
    }
    recorder.bind(this, routes);
    if (attached != null && attached != recorder) {
      attached.unbind();
    }
    attached = recorder;
    net.taps().attach(recorder.listener());
  }

  public void detachRecorder() {
    if (attached != null) {
      attached.unbind();
      attached = null;
    }
    net.taps().detach();
  }

  /** Attaches {@code recorder} for the scope of a try-with-resources block. */
  public Recording record(TapRecorder recorder) {
    TapRecorder previous = attached;
    attachRecorder(recorder);
    return () -> {
      if (previous != null) {
        attachRecorder(previous);
      } else {
        detachRecorder();
      }
    };
  }

  /** Detaches on close (no checked exception). */
  public interface Recording extends AutoCloseable {
    @Override
    void close();
  }

  public boolean isInitialized() {
    return manager != null;
  }

  /**
   * The manager the parameters live in, as given to {@link #initialize}. The caller that created it
   * owns it and closes it; per-step work should use a sub-manager of it.
   */
  public NDManager manager() {
    requireInitialized();
    return manager;
  }

  /**
   * Creates every parameter in {@code manager} the way Paddle does when nothing is loaded (conv
   * weights Normal(0, sqrt(2/(k*k*in))), biases 0, BN gamma 1 beta 0, running mean 0 var 1),
   * reproducible under {@code Engine.getInstance().setRandomSeed}. Then loads the configured
   * pretrained weights: the backbone's, then the whole model's (as PaddleSeg does at construction).
   *
   * @param inputShape N x C x H x W of a typical batch (only C matters for the parameters)
   */
  public void initialize(NDManager manager, Shape inputShape) {
    if (this.manager != null) {
      throw new IllegalStateException(name + " is already initialised");
    }
    if (inputShape.dimension() != 4) {
      throw new IllegalArgumentException("input shape must be N x C x H x W, got " + inputShape);
    }
    block().initialize(manager, DataType.FLOAT32, inputShape);
    this.manager = manager;
    backboneSpec.pretrained().ifPresent(this::loadBackboneWeights);
    if (pretrained != null) {
      loadWeights(pretrained);
    }
  }

  /** Runs the network on one batch and returns the logit (N x num_classes x H x W). */
  public NDArray forward(ParameterStore ps, NDArray image, boolean training) {
    return block().forward(ps, new NDList(image), training).singletonOrThrow();
  }

  /** Trainable parameter count: everything but BN running statistics. */
  public long parameterCount() {
    requireInitialized();
    long n = 0;
    for (Pair<String, Parameter> p : block().getParameters()) {
      Parameter.Type t = p.getValue().getType();
      if (t != Parameter.Type.RUNNING_MEAN && t != Parameter.Type.RUNNING_VAR) {
        n += p.getValue().getArray().size();
      }
    }
    return n;
  }

  /**
   * The output shape of every tap for an input of {@code inputShape}, in forward order, from one
   * inference forward pass on zeros in a temporary manager.
   */
  public Map<String, Shape> tapShapes(Shape inputShape) {
    requireInitialized();
    Map<String, Shape> shapes = new LinkedHashMap<>();
    TapRecorder all = TapRecorder.everything();
    Recording recording = record(all);
    try (NDManager scratch = manager.newSubManager()) {
      NDArray zeros = scratch.zeros(inputShape);
      block().forward(new ParameterStore(scratch, false), new NDList(zeros), false);
      for (Map.Entry<String, NDArray> e : all.all().entrySet()) {
        shapes.put(e.getKey(), e.getValue().getShape());
      }
    } finally {
      recording.close();
    }
    return shapes;
  }

  /**
   * The convolutions one forward pass on an input of {@code inputShape} makes, in order, each shape
   * once (what {@link org.distill4j.engine.KernelAudit} checks): from one inference forward pass on
   * zeros in a temporary manager. Training makes the same ones.
   */
  public Set<Convolutions.Call> convolutionCalls(Shape inputShape) {
    requireInitialized();
    try (NDManager scratch = manager.newSubManager()) {
      NDArray zeros = scratch.zeros(inputShape);
      return Convolutions.recordCalls(
          zeros,
          () -> block().forward(new ParameterStore(scratch, false), new NDList(zeros), false));
    }
  }

  /** Name, parameter count, and every tap with its output shape for {@code inputShape}. */
  public String summary(Shape inputShape) {
    StringBuilder sb = new StringBuilder();
    sb.append(name)
        .append(" (backbone ")
        .append(backboneSpec)
        .append(", num_classes ")
        .append(numClasses())
        .append(", align_corners ")
        .append(alignCorners())
        .append(")\n");
    sb.append(String.format("trainable parameters: %,d%n", parameterCount()));
    sb.append("taps for input ").append(inputShape).append(":\n");
    for (Map.Entry<String, Shape> e : tapShapes(inputShape).entrySet()) {
      sb.append(String.format("  %-48s %s%n", e.getKey(), e.getValue()));
    }
    return sb.toString();
  }

  /**
   * Writes all parameters (BN statistics included) to {@code dir/<fileName>.params}.
   *
   * @return the file written
   */
  public Path saveWeights(Path dir, String fileName) {
    requireInitialized();
    return ModelWeights.saveModel(block(), dir, fileName, name);
  }

  /**
   * Loads a whole model's weights: our {@code .params} (saved by {@link #saveWeights}), PaddleSeg's
   * {@code .pdparams}, or a directory holding {@code model.params} or {@code model.pdparams}; the
   * format is told by the file's content. Values are copied into the existing parameters. Our own
   * files must fit exactly (another architecture is a ConfigException); PaddleSeg's are matched by
   * name as PaddleSeg does (see {@link WeightsLoadReport}), and the report's lines go to {@link
   * #setMessages the message sink}.
   */
  public WeightsLoadReport loadWeights(Path fileOrDir) {
    requireInitialized();
    return ModelWeights.loadModel(
        fileOrDir, name, block(), () -> factory.get().block(), manager, messages);
  }

  /** Writes all parameters (BN statistics included) with PaddleSeg's names as a .pdparams file. */
  public Path savePaddleWeights(Path file) {
    requireInitialized();
    return ModelWeights.savePaddle(block(), file);
  }

  /** Writes the backbone's parameters only, loadable through a backbone's {@code pretrained}. */
  public Path saveBackboneWeights(Path dir, String fileName) {
    requireInitialized();
    return ModelWeights.saveBackbone(net.backbone(), dir, fileName, backboneSpec.name());
  }

  /**
   * Loads backbone weights: ours (saved by {@link #saveBackboneWeights}), PaddleSeg's ImageNet
   * backbone files ({@code .pdparams} with names without {@code backbone.}), timm's ResNet-D
   * safetensors files, or a directory holding {@code model.params} or {@code model.pdparams}.
   */
  public WeightsLoadReport loadBackboneWeights(Path fileOrDir) {
    requireInitialized();
    return ModelWeights.loadBackbone(
        fileOrDir,
        backboneSpec.name(),
        net.backbone(),
        () -> factory.get().backbone(),
        manager,
        messages);
  }

  /**
   * Where load reports go (PaddleSeg logs them): each skipped entry as a {@code WARNING:} line,
   * then the summary line. Standard output unless set.
   */
  public void setMessages(Consumer<String> messages) {
    this.messages = messages;
  }

  private void requireInitialized() {
    if (manager == null) {
      throw new IllegalStateException(
          name + " is not initialised yet: call initialize(manager, inputShape) first");
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
