/**
 * Weights files of other frameworks, read into (and written from) plain Java arrays: Paddle's
 * {@code .pdparams} ({@link org.distill4j.io.weights.Pdparams}, pickles of numpy arrays, read with
 * the razorvine unpickler) and safetensors ({@link org.distill4j.io.weights.Safetensors}, as timm
 * publishes ImageNet weights). Every tensor arrives as a {@link org.distill4j.io.weights.HostArray}
 * (shape and float32 values in row-major order) under the name the file gives it; matching those
 * names to a model is {@code org.distill4j.models}' job.
 *
 * <p>Depends on nothing else in distill4j but {@code config} (its exception and error wording).
 */
package org.distill4j.io.weights;
