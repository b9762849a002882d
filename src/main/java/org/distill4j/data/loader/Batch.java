package org.distill4j.data.loader;

import java.util.List;

/**
 * Samples stacked for one training step: images as N*C*H*W and labels as N*H*W, both row-major.
 * Labels are null when the samples have none. {@code labelHeight}/{@code labelWidth} equal the
 * image size in training; they differ only for val-mode batches, whose labels keep the file size.
 */
public final class Batch {
  public final float[] images;
  public final int[] labels;
  public final int size;
  public final int channels;
  public final int height;
  public final int width;
  public final int labelHeight;
  public final int labelWidth;

  /** The epoch this batch belongs to (0-based). */
  public final int epoch;

  /** The 0-based global iteration this batch is for. */
  public final long iteration;

  /** How long the consumer waited for this batch (load time when there are no workers). */
  public final double readCostSeconds;

  /** The image file of each sample, in batch order. */
  public final List<String> imagePaths;

  public Batch(
      float[] images,
      int[] labels,
      int size,
      int channels,
      int height,
      int width,
      int labelHeight,
      int labelWidth,
      int epoch,
      long iteration,
      double readCostSeconds,
      List<String> imagePaths) {
    this.images = images;
    this.labels = labels;
    this.size = size;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.labelHeight = labels == null ? 0 : labelHeight;
    this.labelWidth = labels == null ? 0 : labelWidth;
    this.epoch = epoch;
    this.iteration = iteration;
    this.readCostSeconds = readCostSeconds;
    this.imagePaths = List.copyOf(imagePaths);
  }

  /** The same batch with a different read cost. */
  public Batch withReadCost(double seconds) {
    return new Batch(
        images,
        labels,
        size,
        channels,
        height,
        width,
        labelHeight,
        labelWidth,
        epoch,
        iteration,
        seconds,
        imagePaths);
  }

  @Override
  public String toString() {
    return "Batch[iteration="
        + iteration
        + ", epoch="
        + epoch
        + ", "
        + size
        + "x"
        + channels
        + "x"
        + height
        + "x"
        + width
        + "]";
  }
}
