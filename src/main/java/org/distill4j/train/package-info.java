/**
 * Training: a setup built from a config ({@link org.distill4j.train.TrainingSetup}), the loop that
 * only emits events ({@link org.distill4j.train.SegTrainer}), the objectives it minimises, the
 * listeners that watch it (history, console progress), checkpoints and exact resume, provenance,
 * devices and data parallelism.
 *
 * <p>May depend on {@code config}, {@code data}, {@code models}, {@code losses}, {@code eval} and
 * {@code engine}; not on {@code distill} or {@code viz}, which plug into it.
 */
package org.distill4j.train;
