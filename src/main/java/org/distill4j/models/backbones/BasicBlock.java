package org.distill4j.models.backbones;

import org.distill4j.models.layers.ConvBNLayer;
import org.distill4j.models.taps.TapHub;

/**
 * ResNet_vd's basic block (ResNet18/34): 3x3 (stride, dilation, ReLU), then 3x3 (dilation, no
 * activation); add the shortcut; ReLU.
 */
public final class BasicBlock extends ResidualBlock {
  /**
   * @param taps the model's hub
   * @param path e.g. {@code backbone.stage1.block0}
   * @param inChannels input channels
   * @param channels output channels
   * @param stride stride of the first conv
   * @param dilation dilation of both convs
   * @param projection whether the shortcut is a 1x1 projection (first block of a stage)
   * @param vdPool whether the projection starts with the vd average pool
   */
  public BasicBlock(
      TapHub taps,
      String path,
      int inChannels,
      int channels,
      int stride,
      int dilation,
      boolean projection,
      boolean vdPool) {
    super(taps, path);
    addConv(
        ConvBNLayer.builder()
            .setChannels(inChannels, channels)
            .setKernel(3)
            .optStride(stride)
            .optDilation(dilation)
            .optRelu(true));
    addConv(
        ConvBNLayer.builder().setChannels(channels, channels).setKernel(3).optDilation(dilation));
    if (projection) {
      addProjection(inChannels, channels, vdPool);
    }
  }
}
