/**
 * Knowledge distillation: the frozen teacher, adaptors naming the tensors to compare, distill
 * entries pairing them with a loss and a weight, connectors for tensors of different shapes, the
 * objective that adds the distillation terms to the student's loss, and the set-up that builds all
 * of it from the two configs ({@link org.distill4j.distill.DistillSetup}).
 *
 * <p>May depend on {@code config}, {@code data}, {@code models}, {@code losses}, {@code eval},
 * {@code train} and {@code engine}.
 */
package org.distill4j.distill;
