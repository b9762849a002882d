package org.distill4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.distill4j.engine.EngineCompat;
import org.distill4j.models.backbones.BackboneSpec;
import org.distill4j.models.deeplab.Decoder;
import org.distill4j.models.deeplab.DeepLabV3PHead;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TappedBlock;

/**
 * PaddleSeg's {@code DeepLabV3P}: backbone ({@code backbone}), head ({@code head}), and a final
 * bilinear upsample of the logit to the input size (published as {@code logit_list.0}). The forward
 * returns an NDList with that one logit in training and in inference.
 *
 * <p>Build it with {@link #builder()}, which returns the {@link SegmentationModel} wrapper.
 */
public final class DeepLabV3P extends TappedBlock implements SegmentationNet {
  /** The published name of the final logit, as PaddleSeg's {@code logit_list[0]}. */
  public static final String LOGIT = "logit_list.0";

  private final TappedBlock backbone;
  private final DeepLabV3PHead head;
  private final int numClasses;
  private final boolean alignCorners;

  private DeepLabV3P(Builder b, TapHub taps) {
    super(taps, "", false);
    this.numClasses = b.numClasses;
    this.alignCorners = b.alignCorners;
    backbone = addTapped("backbone", b.backbone.build(taps, "backbone"));
    head =
        addTapped(
            "head",
            new DeepLabV3PHead(
                taps,
                "head",
                numClasses,
                b.backboneIndices,
                b.backbone.featChannels(),
                b.asppRatios,
                b.asppOutChannels,
                alignCorners));
    declare(LOGIT);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public TappedBlock block() {
    return this;
  }

  @Override
  public TappedBlock backbone() {
    return backbone;
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
    return alignCorners;
  }

  /** The head's output, the logit before its final resize. */
  @Override
  public Optional<String> logitSourceTap() {
    return Optional.of("head");
  }

  @Override
  public NDArray logitsFrom(NDArray headLogit, long height, long width) {
    return EngineCompat.resizeBilinear(headLogit, height, width, alignCorners);
  }

  @Override
  protected NDList forwardBlock(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray image = inputs.singletonOrThrow();
    Shape s = image.getShape();
    if (s.dimension() != 4) {
      throw new IllegalArgumentException("DeepLabV3P expects an N x C x H x W batch, got " + s);
    }
    NDList feats = backbone.forward(ps, new NDList(image), training, params);
    NDArray logit = head.forward(ps, feats, training, params).singletonOrThrow();
    NDArray out = logitsFrom(logit, s.get(2), s.get(3));
    taps.publish(LOGIT, out);
    return new NDList(out);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), numClasses, in.get(2), in.get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    backbone.initialize(manager, dataType, inputShapes);
    head.initialize(manager, dataType, backbone.getOutputShapes(inputShapes));
  }

  /**
   * Builds a DeepLabV3P {@link SegmentationModel}. Defaults as PaddleSeg: backbone indices (0, 3),
   * ASPP ratios (1, 6, 12, 18), 256 ASPP channels, align_corners false.
   */
  public static final class Builder {
    private int numClasses;
    private BackboneSpec backbone;
    private int[] backboneIndices = {0, 3};
    private int[] asppRatios = {1, 6, 12, 18};
    private int asppOutChannels = 256;
    private boolean alignCorners;
    private Path pretrained;

    private Builder() {}

    public Builder setNumClasses(int numClasses) {
      if (numClasses <= 0) {
        throw new IllegalArgumentException("num_classes must be positive, got " + numClasses);
      }
      this.numClasses = numClasses;
      return this;
    }

    public Builder setBackbone(BackboneSpec backbone) {
      this.backbone = backbone;
      return this;
    }

    /** Indices of the low-level (decoder) and high-level (ASPP) backbone features. */
    public Builder optBackboneIndices(int low, int high) {
      for (int i : new int[] {low, high}) {
        if (i < 0 || i > 3) {
          throw new IllegalArgumentException("backbone indices must be in 0..3, got " + i);
        }
      }
      this.backboneIndices = new int[] {low, high};
      return this;
    }

    /** One ASPP branch per ratio: 1 means a 1x1 conv, r > 1 a separable conv dilated by r. */
    public Builder optAsppRatios(int... ratios) {
      if (ratios.length != 1 && ratios.length != 4) {
        throw new IllegalArgumentException(
            "aspp_ratios must have 1 or 4 values, got " + Arrays.toString(ratios));
      }
      for (int r : ratios) {
        if (r <= 0) {
          throw new IllegalArgumentException(
              "aspp_ratios must be positive, got " + Arrays.toString(ratios));
        }
      }
      this.asppRatios = ratios.clone();
      return this;
    }

    /** Must be 256: the decoder's 304-channel concat (256 + 48) is fixed, as in PaddleSeg. */
    public Builder optAsppOutChannels(int channels) {
      if (channels != Decoder.CONCAT_CHANNELS - Decoder.LOW_LEVEL_CHANNELS) {
        throw new IllegalArgumentException(
            "aspp_out_channels must be 256, got "
                + channels
                + ": the decoder concatenates it with 48 low-level channels into a fixed 304");
      }
      this.asppOutChannels = channels;
      return this;
    }

    public Builder optAlignCorners(boolean alignCorners) {
      this.alignCorners = alignCorners;
      return this;
    }

    /** Our own saved weights of the whole model, loaded by {@link SegmentationModel#initialize}. */
    public Builder optPretrained(Path pretrained) {
      this.pretrained = pretrained;
      return this;
    }

    public SegmentationModel build() {
      if (numClasses <= 0 || backbone == null) {
        throw new IllegalStateException("DeepLabV3P needs num_classes and a backbone");
      }
      // The model rebuilds the network to load weights; later changes to this builder must not
      // change what it rebuilds.
      Builder frozen = copy();
      return new SegmentationModel(
          "DeepLabV3P-" + backbone.name(),
          () -> new DeepLabV3P(frozen, new TapHub()),
          backbone,
          pretrained);
    }

    private Builder copy() {
      Builder b = new Builder();
      b.numClasses = numClasses;
      b.backbone = backbone;
      b.backboneIndices = backboneIndices.clone();
      b.asppRatios = asppRatios.clone();
      b.asppOutChannels = asppOutChannels;
      b.alignCorners = alignCorners;
      b.pretrained = pretrained;
      return b;
    }
  }
}
