/**
 * The {@code bench} command: timed training and inference steps of the tutorial's models on
 * synthetic batches, with per-part timings, for comparing engines, machines and changes.
 *
 * <p>May depend on {@code config}, {@code data}, {@code models}, {@code losses}, {@code train},
 * {@code distill} and {@code eval}; nothing depends on it but {@code cli}.
 */
package org.distill4j.bench;
