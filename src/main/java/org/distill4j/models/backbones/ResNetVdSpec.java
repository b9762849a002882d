package org.distill4j.models.backbones;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TappedBlock;

/**
 * The settings of a ResNet_vd backbone: depth (18, 34, 50, 101), output stride (8 or 16), the
 * multi-grid of the last stage, input channels, and optional local pretrained weights.
 *
 * <p>Dilation as PaddleSeg: output stride 8 dilates stage 2 by 2 and stage 3 by 4; 16 dilates stage
 * 3 by 2; block i of stage 3 multiplies that by {@code multi_grid[i]}. A block downsamples (stride
 * 2) only when it is the first of stages 1-3 and undilated.
 */
public final class ResNetVdSpec implements BackboneSpec {
  static final int[] WIDTHS = {64, 128, 256, 512};

  private final int layers;
  private final int outputStride;
  private final int[] multiGrid;
  private final int inChannels;
  private final Path pretrained;

  private ResNetVdSpec(Builder b) {
    this.layers = b.layers;
    this.outputStride = b.outputStride;
    this.multiGrid = b.multiGrid.clone();
    this.inChannels = b.inChannels;
    this.pretrained = b.pretrained;
  }

  public static Builder builder(int layers) {
    return new Builder(layers);
  }

  @Override
  public String name() {
    return "ResNet" + layers + "_vd";
  }

  public int layers() {
    return layers;
  }

  public int outputStride() {
    return outputStride;
  }

  public int[] multiGrid() {
    return multiGrid.clone();
  }

  public int inChannels() {
    return inChannels;
  }

  boolean bottleneck() {
    return layers >= 50;
  }

  /** Blocks per stage. */
  public int[] depths() {
    switch (layers) {
      case 18:
        return new int[] {2, 2, 2, 2};
      case 34:
      case 50:
        return new int[] {3, 4, 6, 3};
      case 101:
        return new int[] {3, 4, 23, 3};
      default:
        throw new IllegalStateException("unsupported depth " + layers);
    }
  }

  @Override
  public int[] featChannels() {
    int[] c = WIDTHS.clone();
    if (bottleneck()) {
      for (int i = 0; i < c.length; i++) {
        c[i] *= BottleneckBlock.EXPANSION;
      }
    }
    return c;
  }

  /** The dilation of block {@code block} in stage {@code stage}. */
  public int dilation(int stage, int block) {
    int d = 1;
    if (outputStride == 8 && stage >= 2) {
      d = stage == 2 ? 2 : 4;
    } else if (outputStride == 16 && stage == 3) {
      d = 2;
    }
    return stage == 3 ? d * multiGrid[block] : d;
  }

  @Override
  public TappedBlock build(TapHub taps, String path) {
    return new ResNetVd(taps, path, this);
  }

  @Override
  public Optional<Path> pretrained() {
    return Optional.ofNullable(pretrained);
  }

  @Override
  public String toString() {
    return name()
        + "(output_stride="
        + outputStride
        + ", multi_grid="
        + Arrays.toString(multiGrid)
        + ")";
  }

  /** Builds a {@link ResNetVdSpec}; defaults as PaddleSeg: output stride 8, multi-grid 1,1,1. */
  public static final class Builder {
    private final int layers;
    private int outputStride = 8;
    private int[] multiGrid = {1, 1, 1};
    private int inChannels = 3;
    private Path pretrained;

    private Builder(int layers) {
      if (layers != 18 && layers != 34 && layers != 50 && layers != 101) {
        throw new IllegalArgumentException(
            "ResNet_vd depth must be 18, 34, 50 or 101, got " + layers);
      }
      this.layers = layers;
    }

    /** 8 or 16. */
    public Builder optOutputStride(int outputStride) {
      if (outputStride != 8 && outputStride != 16) {
        throw new IllegalArgumentException("output_stride must be 8 or 16, got " + outputStride);
      }
      this.outputStride = outputStride;
      return this;
    }

    /** Dilation multipliers of the last stage's blocks; needs one per block of that stage. */
    public Builder optMultiGrid(int... multiGrid) {
      this.multiGrid = multiGrid.clone();
      return this;
    }

    public Builder optInChannels(int inChannels) {
      if (inChannels <= 0) {
        throw new IllegalArgumentException("in_channels must be positive, got " + inChannels);
      }
      this.inChannels = inChannels;
      return this;
    }

    /** A local file (or directory) of backbone weights saved by distill4j. */
    public Builder optPretrained(Path pretrained) {
      this.pretrained = pretrained;
      return this;
    }

    public ResNetVdSpec build() {
      ResNetVdSpec spec = new ResNetVdSpec(this);
      int lastDepth = spec.depths()[3];
      if (multiGrid.length < lastDepth) {
        throw new IllegalArgumentException(
            "multi_grid needs at least "
                + lastDepth
                + " values (one per block of the last stage of "
                + spec.name()
                + "), got "
                + Arrays.toString(multiGrid));
      }
      for (int g : multiGrid) {
        if (g <= 0) {
          throw new IllegalArgumentException(
              "multi_grid values must be positive, got " + Arrays.toString(multiGrid));
        }
      }
      return spec;
    }
  }
}
