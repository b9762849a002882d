package org.distill4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.distill4j.config.ConfigException;
import org.distill4j.engine.Autocast;
import org.distill4j.models.backbones.BackboneSpec;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TappedBlock;

/**
 * A segmentation network of one's own, written as a sequence of DJL layers: the way to bring a
 * small model to distillation without writing a block class. Both kinds of tensor PaddleSeg's
 * adaptors can name are available to an adaptor:
 *
 * <ul>
 *   <li>the output of a <b>layer</b>, tapped by the layer's name (PaddleSeg's {@code
 *       mapping_layers['hidden_0'] = 'conv1'});
 *   <li>a tensor computed by a <b>function</b> in the forward pass, such as a reshape, published
 *       under a name of its own ({@code mapping_layers['hidden_1'] = self.model.reshape_out}).
 * </ul>
 *
 * <pre>{@code
 * SegmentationModel tiny = SequentialSegNet.builder("TinyNet", 2)
 *     .add("conv1", () -> Conv2d.builder().setFilters(8).setKernelShape(new Shape(3, 3))
 *         .optPadding(new Shape(1, 1)).build())
 *     .publish("reshape_out", x -> x.reshape(x.getShape().get(0), -1))
 *     .add("classifier", () -> Conv2d.builder().setFilters(2).setKernelShape(new Shape(1, 1)).build())
 *     .build();
 * }</pre>
 *
 * A published function does not change what the next layer receives, and is computed only while a
 * recorder asks for it. The last layer must output the logits, N x numClasses x H x W at the input
 * size. The whole network counts as its backbone.
 */
public final class SequentialSegNet extends TappedBlock implements SegmentationNet {
  private final List<Step> steps;
  private final List<Block> layers = new ArrayList<>();
  private final int numClasses;

  /** A layer (built fresh for each network) or a published function of the current tensor. */
  private record Step(String name, Supplier<Block> layer, Function<NDArray, NDArray> function) {}

  private SequentialSegNet(Builder b, TapHub taps) {
    super(taps, "", false);
    this.steps = List.copyOf(b.steps);
    this.numClasses = b.numClasses;
    for (Step s : steps) {
      if (s.layer() != null) {
        layers.add(addTapped(s.name(), new LayerTap(taps, s.name(), s.layer().get())));
      } else {
        declare(s.name());
      }
    }
  }

  public static Builder builder(String name, int numClasses) {
    return new Builder(name, numClasses);
  }

  @Override
  protected NDList forwardBlock(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    int layer = 0;
    for (Step s : steps) {
      if (s.layer() != null) {
        // One's own layers and tap functions get float32, also after a distill4j layer that
        // computed in bfloat16 (amp: bf16).
        x = Autocast.float32(run(layers.get(layer++), ps, x, training, params));
      } else if (taps.isRecording()) {
        taps.publish(s.name(), s.function().apply(x));
      }
    }
    return new NDList(x);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] shapes = inputShapes;
    for (Block b : layers) {
      shapes = b.getOutputShapes(shapes);
    }
    return shapes;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape[] shapes = inputShapes;
    for (Block b : layers) {
      b.initialize(manager, dataType, shapes);
      shapes = b.getOutputShapes(shapes);
    }
  }

  @Override
  public TappedBlock block() {
    return this;
  }

  @Override
  public TappedBlock backbone() {
    return this;
  }

  @Override
  public TapHub taps() {
    return taps;
  }

  @Override
  public int numClasses() {
    return numClasses;
  }

  @Override
  public boolean alignCorners() {
    return false;
  }

  /** A plain DJL layer whose output is a tap under the layer's name. */
  private static final class LayerTap extends TappedBlock {
    private final Block layer;

    LayerTap(TapHub taps, String path, Block layer) {
      super(taps, path, true);
      this.layer = addPlain("layer", layer);
    }

    @Override
    protected NDList forwardBlock(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      return layer.forward(ps, inputs, training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return layer.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(
        NDManager manager, DataType dataType, Shape... inputShapes) {
      layer.initialize(manager, dataType, inputShapes);
    }
  }

  /** Builder for a {@link SequentialSegNet} model. */
  public static final class Builder {
    private final String name;
    private final int numClasses;
    private final List<Step> steps = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    private Builder(String name, int numClasses) {
      this.name = name;
      this.numClasses = numClasses;
    }

    /** Appends a layer; its output is the tap {@code name}. */
    public Builder add(String name, Supplier<Block> layer) {
      steps.add(new Step(checkName(name), layer, null));
      return this;
    }

    /** Publishes {@code function} of the current tensor as {@code name}; the path goes on as is. */
    public Builder publish(String name, Function<NDArray, NDArray> function) {
      steps.add(new Step(checkName(name), null, function));
      return this;
    }

    private String checkName(String name) {
      if (name == null || name.isBlank() || name.contains(".") || names.contains(name)) {
        throw new ConfigException(
            "step name '" + name + "' must be non-empty, without dots and unique in " + this.name);
      }
      names.add(name);
      return name;
    }

    public SegmentationModel build() {
      if (steps.stream().noneMatch(s -> s.layer() != null)) {
        throw new ConfigException(name + " needs at least one layer");
      }
      Builder frozen = this;
      List<Step> fixed = List.copyOf(steps);
      BackboneSpec whole = new WholeNetwork(name);
      return new SegmentationModel(
          name,
          () -> {
            Builder b = new Builder(frozen.name, frozen.numClasses);
            b.steps.addAll(fixed);
            return new SequentialSegNet(b, new TapHub());
          },
          whole,
          null);
    }
  }

  /** The backbone of a network that is its own backbone: no stages, no separate weights. */
  private record WholeNetwork(String name) implements BackboneSpec {
    @Override
    public int[] featChannels() {
      return new int[0];
    }

    @Override
    public TappedBlock build(TapHub taps, String path) {
      throw new UnsupportedOperationException(name + " has no separate backbone");
    }

    @Override
    public Optional<Path> pretrained() {
      return Optional.empty();
    }
  }
}
