/**
 * Segmentation models as PaddleSeg builds them, and how to look inside them: {@link
 * org.distill4j.models.SegmentationModel} (weights in our format, PaddleSeg's {@code .pdparams} and
 * timm's safetensors), the registry that builds models from the {@code model:} section, and the
 * tapping mechanism: every block has a dotted path like PaddleSeg's sublayer names, publishes its
 * output (or any tensor it computes) to the model's {@link org.distill4j.models.TapHub}, and a
 * {@link org.distill4j.models.TapRecorder} keeps what it asked for. {@link
 * org.distill4j.models.SequentialSegNet} is the short way to write a model of one's own.
 *
 * <p>May depend on {@code config}, {@code io} and its sub-packages (backbones, heads, layers).
 */
package org.distill4j.models;
