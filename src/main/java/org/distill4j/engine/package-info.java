/**
 * What differs between DJL lines and engine builds, decided at run time in one place ({@link
 * org.distill4j.engine.EngineCompat}), so that the rest of the code is written once; and ways
 * around DJL calls that cost more than they need to ({@link org.distill4j.engine.HostScalars}: the
 * numbers of tensor arithmetic as reused CPU scalars instead of a new tensor per call on a GPU);
 * and what DJL's NDArray API cannot say at all, run as a small TorchScript module written here
 * ({@link org.distill4j.engine.ScriptedOps}: the momentum update, the bfloat16 convolution, checked
 * once per shape against float32 where libtorch's bfloat16 kernel can be wrong, and dilated
 * convolutions computed on their input's phases where {@link
 * org.distill4j.engine.DilatedConvolutions} says it pays), with the thread's precision scope that
 * picks the latter ({@link org.distill4j.engine.Autocast}, the {@code amp} and {@code teacher_amp}
 * config keys) and what a frozen model derives once from its weights, bfloat16 copies and batch
 * norms folded into convolutions ({@link org.distill4j.engine.FrozenWeights}); and libtorch kernels
 * slower than the same result computed another way ({@link org.distill4j.engine.BilinearMatrices}
 * for small resizes, {@link org.distill4j.engine.SlicePooling} for pooling without gradients,
 * {@link org.distill4j.engine.CenterTaps} for dilated convolutions that read only padding beyond
 * their center). The models' convolutions go through one path ({@link
 * org.distill4j.engine.Convolutions}), which {@link org.distill4j.engine.KernelAudit} checks
 * against float64 on the user's machine ({@code check --kernels}).
 *
 * <p>Depends only on {@code config} and DJL.
 */
package org.distill4j.engine;
