package org.distill4j.models;

/** PaddleSeg's class names, as its load messages print them. */
final class DeepLabV3PNames {
  static final String MODEL_CLASS = "DeepLabV3P";
  static final String BACKBONE_CLASS = "ResNet_vd";

  private DeepLabV3PNames() {}
}
