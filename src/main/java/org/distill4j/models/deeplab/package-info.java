/**
 * The parts of DeepLabV3+'s head: the ASPP module, the decoder and the head that wires them, as
 * PaddleSeg wires them. The whole network ({@code org.distill4j.models.DeepLabV3P}, backbone plus
 * this head) and its builder, where each config key's default is written once, sit one package up,
 * beside the {@code SegmentationModel} that builder returns.
 *
 * <p>May depend on {@code models.taps}, {@code models.layers} and {@code engine}; never on {@code
 * org.distill4j.models} itself.
 */
package org.distill4j.models.deeplab;
