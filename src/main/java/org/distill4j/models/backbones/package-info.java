/**
 * ResNet-vd backbones (depths 18, 34, 50 and 101) with PaddleSeg's output strides, dilations and
 * multi-grid, publishing each stage's output as {@code backbone.feat.N}.
 *
 * <p>May depend on {@code models} (taps) and {@code models.layers}.
 */
package org.distill4j.models.backbones;
