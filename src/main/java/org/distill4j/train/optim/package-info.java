/**
 * Optimizers and learning-rate schedules as PaddleSeg configures them ({@code sgd} with momentum
 * and weight decay, Adam, AdamW; polynomial decay and a constant rate), with their state saved for
 * exact resume.
 *
 * <p>May depend on {@code config}, {@code errors}, {@code io} and {@code engine} (the update's
 * numbers as reused CPU scalars) only.
 */
package org.distill4j.train.optim;
