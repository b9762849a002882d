/**
 * Everything that talks to DJL and libtorch below the models: what differs between engine builds,
 * how convolutions are computed and checked, the precision scope, and cheaper routes to the same
 * numbers. Depends only on {@code config} and DJL.
 *
 * <p><b>Engine lines and arrays.</b> {@link org.distill4j.engine.EngineCompat}: what differs
 * between DJL lines (0.36 and the cu118 line's 0.25), decided at run time in one place so the rest
 * is written once. {@link org.distill4j.engine.OwnedArrays}: constants whose memory libtorch owns,
 * so that autograd never keeps a pointer into a Java buffer that may be freed. {@link
 * org.distill4j.engine.ScriptedOps} (with {@code TorchScriptArchive}): what DJL's NDArray API
 * cannot say, run as a small TorchScript module written at run time (the momentum update, the
 * bfloat16 convolution and its per-shape check, the conversions, dilated convolutions on their
 * input's phases).
 *
 * <p><b>Convolutions: one path.</b> Every model convolution goes through {@link
 * org.distill4j.engine.Convolutions}, which picks how to compute it: without the off-center taps
 * that read only padding ({@link org.distill4j.engine.CenterTaps}), on the input's phases where
 * libtorch's dilated kernel is slow ({@link org.distill4j.engine.DilatedConvolutions}), in bfloat16
 * under {@code amp: bf16}, on oneDNN where libtorch would take its fallback kernel (which logs
 * about NNPACK on some CPUs: {@code FallbackRoute}), else DJL's convolution. {@link
 * org.distill4j.engine.KernelAudit} ({@code check --kernels}) runs the shapes a model makes through
 * that same path and compares them with a float64 reference written as a sum over the kernel's taps
 * ({@code TapSum}).
 *
 * <p><b>Precision.</b> {@link org.distill4j.engine.Autocast}: the thread's precision scope (the
 * {@code amp} and {@code teacher_amp} config keys) and where activations become float32 again.
 * {@link org.distill4j.engine.FrozenWeights}: what a frozen teacher derives once from its weights
 * (batch norms folded into convolutions, bfloat16 copies). {@link org.distill4j.engine.Bf16OnCpu}:
 * how libtorch computes bfloat16 on this CPU (with its bfloat16 instructions, emulating them, or
 * with its reference kernel), which decides whether bf16 runs, warns or is refused.
 *
 * <p><b>Cheaper routes to the same numbers.</b> {@link org.distill4j.engine.HostScalars} (the
 * numbers of tensor arithmetic as reused scalars instead of a new tensor per call on a GPU), {@code
 * BilinearMatrices} (small resizes as matrix products), {@code SlicePooling} (pooling without
 * gradients from strided views).
 */
package org.distill4j.engine;
