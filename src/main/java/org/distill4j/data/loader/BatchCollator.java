package org.distill4j.data.loader;

import java.util.ArrayList;
import java.util.List;
import org.distill4j.config.ConfigException;
import org.distill4j.data.Sample;

/**
 * Stacks the samples of one batch into a {@link Batch}, refusing in one line samples whose images
 * or labels differ in size (the transforms must produce a fixed size for batching).
 */
final class BatchCollator {
  private BatchCollator() {}

  /**
   * Stacks samples into a batch.
   *
   * @throws ConfigException when the samples differ in size: the transforms must produce a fixed
   *     size for batching
   */
  static Batch collate(List<Sample> samples, int epoch, long iteration) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("cannot collate an empty list of samples");
    }
    Sample first = samples.get(0);
    int imageSize = first.channels * first.height * first.width;
    boolean labelled = first.hasLabel();
    int labelSize = first.labelHeight * first.labelWidth;
    float[] images = new float[samples.size() * imageSize];
    int[] labels = labelled ? new int[samples.size() * labelSize] : null;
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      if (s.channels != first.channels || s.height != first.height || s.width != first.width) {
        throw new ConfigException(
            "samples in one batch have different sizes: "
                + describe(first)
                + " vs "
                + describe(s)
                + "; the transforms must produce a fixed size for batching"
                + " (e.g. Resize with target_size, or RandomPaddingCrop with crop_size)");
      }
      if (s.hasLabel() != labelled
          || (labelled
              && (s.labelHeight != first.labelHeight || s.labelWidth != first.labelWidth))) {
        throw new ConfigException(
            "labels in one batch differ: "
                + first.imagePath
                + (labelled ? " has a " + first.labelWidth + "x" + first.labelHeight : " has no")
                + " label, "
                + s.imagePath
                + (s.hasLabel() ? " has a " + s.labelWidth + "x" + s.labelHeight : " has no")
                + " label; batch val/test data with batch size 1 or give all samples labels of"
                + " one size");
      }
      System.arraycopy(s.image, 0, images, i * imageSize, imageSize);
      if (labelled) {
        System.arraycopy(s.label, 0, labels, i * labelSize, labelSize);
      }
      paths.add(s.imagePath);
    }
    return new Batch(
        images,
        labels,
        samples.size(),
        first.channels,
        first.height,
        first.width,
        first.labelHeight,
        first.labelWidth,
        epoch,
        iteration,
        0.0,
        paths);
  }

  private static String describe(Sample s) {
    return s.imagePath + " is " + s.channels + "x" + s.height + "x" + s.width + " (CxHxW)";
  }
}
