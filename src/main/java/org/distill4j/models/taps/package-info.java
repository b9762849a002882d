/**
 * The recording mechanism that makes a model's intermediate tensors reachable by name, which DJL
 * blocks (having no forward hooks) do not offer by themselves.
 *
 * <p><b>What a tap is.</b> Every block of a model is a {@link
 * org.distill4j.models.taps.TappedBlock} with a stable dotted path, as PaddleSeg names sublayers
 * ({@code backbone.stage3.block1}, {@code head.aspp}, {@code head.decoder.conv}). When a parent
 * adds a child it declares the child's path on the model's one {@link
 * org.distill4j.models.taps.TapHub}; a block may also declare a tensor that is no block's output
 * (PaddleSeg's "function" case, e.g. {@code logit_list.0}). The hub's names are thus known as soon
 * as the model is built, in the order a forward pass produces them.
 *
 * <p><b>How a tensor is recorded.</b> In the forward pass each block publishes its output under its
 * path ({@link org.distill4j.models.taps.TapHub#publish}). The hub passes it to the {@link
 * org.distill4j.models.taps.TapListener} attached to it, if any, which keeps the names it asked
 * for; with none attached, publishing costs one null check. The tensor is the forward pass's own
 * array (gradients flow through it); in inference, where each block frees its intermediates when it
 * returns, the hub first moves the kept tensors out to the caller's manager. {@link
 * org.distill4j.models.taps.TapPaths} turns a name as a user writes it (PaddleSeg spellings such as
 * {@code backbone.bb_1_0} included) into the declared one, or names the nearest real paths.
 *
 * <p><b>Who reads it.</b> Everyone asks through {@code models.TapRecorder}, attached with {@code
 * SegmentationModel.record(...)}: the model resolves the names here and attaches the recorder's
 * listener to its hub. The training step records the student's taps and the frozen teacher its own,
 * for the distillation entries' adaptors to pick by name; a notebook or a user's program reads them
 * the same way.
 *
 * <p>The bottom of the model layer: depends on DJL and {@code config} (for the one-line message of
 * an unknown path) only; everything else in {@code models} may depend on it.
 */
package org.distill4j.models.taps;
