package org.distill4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.Overrides;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.data.Sample;
import org.distill4j.data.SegDataset;
import org.distill4j.engine.GcPressure;
import org.distill4j.models.SegmentationModel;
import org.distill4j.models.SegmentationNet;
import org.distill4j.models.backbones.BackboneSpec;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TappedBlock;
import org.distill4j.synthetic.SyntheticFundusGenerator;

/** Small models, data and listeners for training-loop tests. */
public final class TrainFixtures {
  private TrainFixtures() {}

  /**
   * A two-layer conv net without BatchNorm (3x3 conv to 4 channels, ReLU, 1x1 conv to {@code
   * classes}): every sample's output depends on that sample only, so a batch's mean loss equals the
   * mean of equal shards' mean losses exactly.
   */
  public static SegmentationModel tinyConvModel(int classes) {
    return new SegmentationModel("TinyConv", () -> new TinyConvNet(classes), NO_BACKBONE, null);
  }

  /**
   * {@code size} random 3 x {@code side} x {@code side} images; a pixel's label is 1 where its
   * first channel is positive, else 0. With {@code ignorePixels}, two pixels of every odd sample
   * are 255 (ignored).
   */
  public static SegDataset randomDataset(int size, int side, long seed, boolean ignorePixels) {
    return new RandomDataset(size, side, seed, ignorePixels);
  }

  /**
   * The smoke student config trained on a freshly generated data set (6 training, 2 validation, 1
   * test image of {@code width} x {@code height}) under {@code dir}, run for {@code iters}
   * iterations.
   */
  public static ResolvedConfig smokeStudentConfig(Path dir, int width, int height, int iters)
      throws IOException {
    Path data = dir.resolve("optic");
    SyntheticFundusGenerator.builder()
        .optTrain(6)
        .optVal(2)
        .optTest(1)
        .optImageSize(width, height)
        .build()
        .generate(data);
    Path file = dir.resolve("student.yml");
    Files.writeString(
        file,
        "_base_: '"
            + Paths.get("configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml")
                .toAbsolutePath()
            + "'\ntrain_dataset:\n  dataset_root: '"
            + data
            + "'\nval_dataset:\n  dataset_root: '"
            + data
            + "'\n");
    return ConfigLoader.load(file, Overrides.of(iters, null, null));
  }

  /**
   * Wraps an objective so that a garbage collection, re-using the memory it freed, runs between the
   * loss and the backward pass of every step (see {@link GcPressure}).
   */
  public static final class CollectAfterLoss implements TrainingObjective {
    private final TrainingObjective inner;
    private int collections;

    public CollectAfterLoss(TrainingObjective inner) {
      this.inner = inner;
    }

    /** How many times {@link #compute} ran, and so how many collections happened. */
    public int collections() {
      return collections;
    }

    @Override
    public void beforeForward(NDArray images) {
      inner.beforeForward(images);
    }

    @Override
    public Map<String, NDArray> compute(Step step) {
      Map<String, NDArray> terms = inner.compute(step);
      GcPressure.collectAndReuseFreedMemory();
      collections++;
      return terms;
    }

    @Override
    public Set<String> tapPaths() {
      return inner.tapPaths();
    }

    @Override
    public Map<String, Block> trainableBlocks() {
      return inner.trainableBlocks();
    }
  }

  /** The trainer's test-only option to run the sharded step with {@code shards} shards. */
  public static SegTrainer.Builder forceShards(SegTrainer.Builder builder, int shards) {
    return builder.forceShards(shards);
  }

  /** Copies of every parameter of {@code model}, in block order. */
  public static List<float[]> parameters(SegmentationModel model) {
    List<float[]> out = new ArrayList<>();
    for (var p : model.block().getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  /**
   * Asserts that two runs changed the parameters by the same amounts: per parameter, the largest
   * difference of the updates is at most {@code relTol} times the largest update, and the update is
   * not negligible.
   */
  public static void assertSameUpdate(
      List<float[]> before, List<float[]> afterA, List<float[]> afterB, double relTol) {
    for (int i = 0; i < before.size(); i++) {
      double maxUpdate = 0;
      double maxDiff = 0;
      for (int j = 0; j < before.get(i).length; j++) {
        double da = afterA.get(i)[j] - before.get(i)[j];
        double db = afterB.get(i)[j] - before.get(i)[j];
        maxUpdate = Math.max(maxUpdate, Math.abs(da));
        maxDiff = Math.max(maxDiff, Math.abs(da - db));
      }
      if (maxUpdate < 1e-4) {
        throw new AssertionError("parameter " + i + " barely moved: " + maxUpdate);
      }
      if (maxDiff > relTol * maxUpdate) {
        throw new AssertionError(
            "parameter "
                + i
                + ": updates differ by "
                + maxDiff
                + " (largest update "
                + maxUpdate
                + ")");
      }
    }
  }

  /** Records the loss terms of every logged window. */
  public static final class LossRecorder implements TrainingListener {
    public final List<Map<String, Double>> windows = new ArrayList<>();

    @Override
    public void onIteration(IterationLog log) {
      windows.add(log.losses());
    }
  }

  private static final BackboneSpec NO_BACKBONE =
      new BackboneSpec() {
        @Override
        public String name() {
          return "none";
        }

        @Override
        public int[] featChannels() {
          return new int[] {4};
        }

        @Override
        public TappedBlock build(TapHub taps, String path) {
          throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Path> pretrained() {
          return Optional.empty();
        }
      };

  private static final class TinyConvNet implements SegmentationNet {
    private final TapHub hub = new TapHub();
    private final int classes;
    private final Stem stem;
    private final Root root;

    TinyConvNet(int classes) {
      this.classes = classes;
      this.stem = new Stem(hub);
      this.root = new Root(hub, stem, classes);
    }

    @Override
    public TappedBlock block() {
      return root;
    }

    @Override
    public TappedBlock backbone() {
      return stem;
    }

    @Override
    public TapHub taps() {
      return hub;
    }

    @Override
    public int numClasses() {
      return classes;
    }

    @Override
    public boolean alignCorners() {
      return false;
    }
  }

  private static final class Stem extends TappedBlock {
    private final Conv2d conv;

    Stem(TapHub hub) {
      super(hub, "backbone", true);
      conv =
          addPlain(
              "conv",
              Conv2d.builder()
                  .setKernelShape(new Shape(3, 3))
                  .optPadding(new Shape(1, 1))
                  .setFilters(4)
                  .build());
    }

    @Override
    protected NDList forwardBlock(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      return new NDList(Activation.relu(run(conv, ps, inputs.head(), training, params)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
      return new Shape[] {new Shape(in[0].get(0), 4, in[0].get(2), in[0].get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
      conv.initialize(manager, dataType, in[0]);
    }
  }

  private static final class Root extends TappedBlock {
    private final Stem stem;
    private final Conv2d head;

    Root(TapHub hub, Stem stem, int classes) {
      super(hub, "", false);
      this.stem = addTapped("backbone", stem);
      this.head =
          addPlain(
              "head", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(classes).build());
    }

    @Override
    protected NDList forwardBlock(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      return new NDList(
          run(head, ps, run(stem, ps, inputs.head(), training, params), training, params));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
      Shape s = in[0];
      return new Shape[] {
        new Shape(s.get(0), head.getOutputShapes(new Shape[] {s})[0].get(1), s.get(2), s.get(3))
      };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
      stem.initialize(manager, dataType, in[0]);
      head.initialize(manager, dataType, stem.getOutputShapes(in)[0]);
    }
  }

  private static final class RandomDataset implements SegDataset {
    private final List<Sample> samples = new ArrayList<>();

    RandomDataset(int size, int side, long seed, boolean ignorePixels) {
      Random rng = new Random(seed);
      for (int i = 0; i < size; i++) {
        float[] image = new float[3 * side * side];
        for (int k = 0; k < image.length; k++) {
          image[k] = (float) rng.nextGaussian();
        }
        int[] label = new int[side * side];
        for (int p = 0; p < label.length; p++) {
          label[p] = image[p] > 0 ? 1 : 0;
        }
        if (ignorePixels && i % 2 == 1) {
          label[0] = 255;
          label[label.length - 1] = 255;
        }
        samples.add(new Sample(image, 3, side, side, label, side, side, "s" + i, side, side));
      }
    }

    @Override
    public int size() {
      return samples.size();
    }

    @Override
    public Sample get(int index, Random rng) {
      return samples.get(index);
    }

    @Override
    public int numClasses() {
      return 2;
    }

    @Override
    public int ignoreIndex() {
      return 255;
    }

    @Override
    public String mode() {
      return "train";
    }

    @Override
    public Path root() {
      return Paths.get("memory");
    }

    @Override
    public Path imagePath(int index) {
      return Paths.get("s" + index);
    }

    @Override
    public Path labelPath(int index) {
      return Paths.get("l" + index);
    }
  }
}
