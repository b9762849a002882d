/**
 * The small layers the models are built from: convolution with BatchNorm and ReLU, separable
 * convolution, with PaddleSeg's initialisation and parameter names.
 *
 * <p>May depend on {@code models.taps} and {@code engine} (reused CPU scalars) only; never on
 * {@code org.distill4j.models} itself, which sits above it.
 */
package org.distill4j.models.layers;
