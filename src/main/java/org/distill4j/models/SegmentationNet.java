package org.distill4j.models;

/**
 * The root block of a segmentation network together with what {@link SegmentationModel} needs to
 * know about it. Its forward takes an NCHW image batch and returns an NDList with one logit tensor
 * (N x num_classes x H x W), in training and in inference alike.
 */
public interface SegmentationNet {
  /** The root block. */
  TappedBlock block();

  /** The backbone block inside {@link #block()}, for saving and loading backbone weights. */
  TappedBlock backbone();

  /** The hub every block of this network publishes to. */
  TapHub taps();

  int numClasses();

  boolean alignCorners();
}
