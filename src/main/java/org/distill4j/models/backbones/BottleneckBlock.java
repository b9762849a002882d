package org.distill4j.models.backbones;

import org.distill4j.models.layers.ConvBNLayer;
import org.distill4j.models.taps.TapHub;

/**
 * ResNet_vd's bottleneck (ResNet50/101): 1x1 (ReLU), 3x3 with the stride and dilation (ReLU), 1x1
 * to 4x width (no activation); add the shortcut; ReLU.
 */
public final class BottleneckBlock extends ResidualBlock {
  /** Output channels are four times the bottleneck width. */
  public static final int EXPANSION = 4;

  /**
   * @param taps the model's hub
   * @param path e.g. {@code backbone.stage1.block0}
   * @param inChannels input channels
   * @param width bottleneck width (output channels / 4)
   * @param stride stride of the 3x3 conv
   * @param dilation dilation of the 3x3 conv
   * @param projection whether the shortcut is a 1x1 projection (first block of a stage)
   * @param vdPool whether the projection starts with the vd average pool
   */
  public BottleneckBlock(
      TapHub taps,
      String path,
      int inChannels,
      int width,
      int stride,
      int dilation,
      boolean projection,
      boolean vdPool) {
    super(taps, path);
    addConv(ConvBNLayer.builder().setChannels(inChannels, width).setKernel(1).optRelu(true));
    addConv(
        ConvBNLayer.builder()
            .setChannels(width, width)
            .setKernel(3)
            .optStride(stride)
            .optDilation(dilation)
            .optRelu(true));
    addConv(ConvBNLayer.builder().setChannels(width, width * EXPANSION).setKernel(1));
    if (projection) {
      addProjection(inChannels, width * EXPANSION, vdPool);
    }
  }
}
