package org.distill4j.models.taps;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A block with a stable dotted path (like PaddleSeg's sublayer names, e.g. {@code
 * head.decoder.conv_bn_relu1}) that publishes its output to its model's {@link TapHub}.
 *
 * <p>DJL names children with an index prefix ({@code 01backbone}); our paths are our own, so they
 * stay stable however the children are numbered. A parent declares a child's path when it adds the
 * child, after the child has declared its own descendants: declaration order is therefore the order
 * in which the forward pass produces the tensors, provided children are added in forward order.
 */
public abstract class TappedBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  protected final TapHub taps;
  protected final String path;
  private final boolean publishesOutput;

  /**
   * @param taps the model's hub
   * @param path this block's dotted path
   * @param publishesOutput false for blocks with several outputs (e.g. a backbone), which publish
   *     their parts under their own names instead
   */
  protected TappedBlock(TapHub taps, String path, boolean publishesOutput) {
    super(VERSION);
    this.taps = taps;
    this.path = path;
    this.publishesOutput = publishesOutput;
  }

  /** This block's dotted path. */
  public String path() {
    return path;
  }

  /** True when this block's output is a tap under {@link #path()}. */
  public boolean publishesOutput() {
    return publishesOutput;
  }

  /** The dotted path of a child or published tensor of this block. */
  protected String childPath(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** Adds a child that has its own path and declares that path as a tap. */
  protected final <B extends TappedBlock> B addTapped(String name, B child) {
    addChildBlock(name.replace('.', '_'), child);
    if (child.publishesOutput()) {
      taps.declare(child.path());
    }
    return child;
  }

  /** Adds a plain DJL child (a conv, a batch norm); tap it with {@link #declare} if needed. */
  protected final <B extends Block> B addPlain(String name, B child) {
    addChildBlock(name, child);
    return child;
  }

  /** Declares a published tensor (or a plain child's output) at this point of the forward order. */
  protected final void declare(String fullName) {
    taps.declare(fullName);
  }

  /**
   * In training the forward pass runs in the caller's manager: autograd needs the intermediates
   * until the backward pass. In inference each block runs in a sub-manager of its input's manager
   * that is closed when the block returns, so a block's intermediates are freed as soon as it is
   * done (as reference counting frees them in PyTorch) instead of all at the end of the step; only
   * the block's output and the tensors a recorder asked for move out to the caller's manager. The
   * working set of a forward pass stays a few blocks wide, which keeps it in cache and lets the
   * allocator hand the same memory out again.
   */
  @Override
  protected final NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    if (training || inputs.isEmpty()) {
      return forwardAndPublish(ps, inputs, training, params);
    }
    NDManager caller = inputs.head().getManager();
    try (NDManager scope = caller.newSubManager()) {
      scope.tempAttachAll(inputs);
      NDList out = forwardAndPublish(ps, inputs, false, params);
      out.attach(caller);
      taps.keepRecorded(scope, caller);
      return out;
    }
  }

  private NDList forwardAndPublish(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList out = forwardBlock(ps, inputs, training, params);
    if (publishesOutput) {
      taps.publish(path, out.singletonOrThrow());
    }
    return out;
  }

  /** The block's computation; its output is published under {@link #path()} afterwards. */
  protected abstract NDList forwardBlock(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params);

  /** Runs a single-input, single-output child. */
  protected static NDArray run(
      Block child,
      ParameterStore ps,
      NDArray x,
      boolean training,
      PairList<String, Object> params) {
    return child.forward(ps, new NDList(x), training, params).singletonOrThrow();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + path + ")";
  }
}
