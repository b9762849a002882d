/**
 * Segmentation models as the rest of distill4j uses them. {@link
 * org.distill4j.models.SegmentationModel} wraps a network with its name, classes, initialisation,
 * weights files (ours, PaddleSeg's {@code .pdparams}, timm's safetensors) and tap paths; {@link
 * org.distill4j.models.Models} holds the registries that build models and backbones from the {@code
 * model:} section; {@link org.distill4j.models.DeepLabV3P} is PaddleSeg's network (a backbone plus
 * the head of {@code models.deeplab}) and {@link org.distill4j.models.SequentialSegNet} the short
 * way to write one's own. {@link org.distill4j.models.TapRecorder} captures named intermediate
 * tensors through the mechanism of {@code models.taps}.
 *
 * <p>Dependencies point one way, down: this package may depend on its sub-packages ({@code taps},
 * {@code layers}, {@code backbones}, {@code deeplab}), {@code config}, {@code errors}, {@code io}
 * and {@code engine}; the sub-packages never depend on this one, and {@code taps} on none of the
 * others ({@code PackageDependenciesTest} checks it).
 */
package org.distill4j.models;
