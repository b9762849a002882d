package org.distill4j.models.backbones;

import java.nio.file.Path;
import java.util.Optional;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TappedBlock;

/**
 * What a segmentation model needs to know about its backbone before building it: a name, the
 * channel counts of its four stage outputs, and how to build the block inside a model (the block
 * joins that model's {@link TapHub}). Built from config by the models registry ({@code
 * Models.backbones()}).
 */
public interface BackboneSpec {
  /** The PaddleSeg type name, e.g. {@code ResNet50_vd}. */
  String name();

  /** Channels of the feature maps the backbone returns, one per stage. */
  int[] featChannels();

  /** Builds the block; its forward returns one tensor per stage, in stage order. */
  TappedBlock build(TapHub taps, String path);

  /** A local file of our own saved backbone weights, loaded after initialisation. */
  Optional<Path> pretrained();
}
