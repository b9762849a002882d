/**
 * DeepLabV3+: the ASPP module, the decoder and the head, wired as PaddleSeg wires them, with each
 * config key's default written once in {@link org.distill4j.models.deeplab.DeepLabV3P.Builder}.
 *
 * <p>May depend on {@code models}, {@code models.layers} and {@code engine}.
 */
package org.distill4j.models.deeplab;
