/**
 * The tutorial as calls: the data, the configs of each scale, training each role, distilling, the
 * equivalent command lines and the comparison table. The {@code tutorial} command and the four
 * notebooks both run through {@link org.distill4j.tutorial.Tutorial}.
 *
 * <p>May depend on {@code app}, {@code config}, {@code data}, {@code synthetic}, {@code io}, {@code
 * models}, {@code train}, {@code distill} and {@code viz}; only {@code cli} depends on it.
 */
package org.distill4j.tutorial;
