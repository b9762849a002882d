/**
 * Backbones: the contract a backbone fulfils for a segmentation head ({@link
 * org.distill4j.models.backbones.BackboneSpec}: name, stage channels, how to build its block on a
 * model's tap hub), and the ResNet-vd backbones (depths 18, 34, 50 and 101) with PaddleSeg's output
 * strides, dilations and multi-grid, publishing each stage's output as {@code backbone.feat.N}.
 *
 * <p>May depend on {@code models.taps} and {@code models.layers}; never on {@code
 * org.distill4j.models} itself, which builds on it (the registry, {@code DeepLabV3P}).
 */
package org.distill4j.models.backbones;
