/**
 * The {@code bench} command: timed training, distillation and inference steps of the tutorial's
 * models, with per-part timings ({@link org.distill4j.bench.BenchPart} chooses the parts) and an
 * optional libtorch profile per operator ({@link org.distill4j.bench.OpProfile}), for comparing
 * engines, machines and changes. {@code bench/scaling.sh} and {@code bench/compare.sh} drive it.
 *
 * <p>May depend on {@code config}, {@code data} (and its loader), {@code synthetic}, {@code
 * models}, {@code losses}, {@code train}, {@code distill}, {@code eval} and DJL's PyTorch engine
 * (the profiler); nothing depends on it but {@code cli}.
 */
package org.distill4j.bench;
