/**
 * Evaluation as PaddleSeg's {@code val.py} does it: per-image inference at the label's size, the
 * confusion matrix and the metrics printed in its format (mIoU, accuracy, kappa, Dice, per class).
 *
 * <p>May depend on {@code data}, {@code models} and {@code engine}.
 */
package org.distill4j.eval;
