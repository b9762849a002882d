package org.distill4j.models;

import ai.djl.ndarray.NDArray;
import java.util.Optional;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TappedBlock;

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

  /**
   * The tap whose tensor {@link #logitsFrom} turns into the final logits, when the logits are a
   * fixed, parameter-free function of a smaller tensor (DeepLabV3P: the head's logit at a quarter
   * of the input size, resized). Lets a cache of outputs store the smaller tensor.
   */
  default Optional<String> logitSourceTap() {
    return Optional.empty();
  }

  /**
   * The final logits (N x num_classes x height x width) from the tensor recorded at {@link
   * #logitSourceTap()}, computed exactly as the forward pass computes them.
   */
  default NDArray logitsFrom(NDArray source, long height, long width) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no logit source");
  }
}
