package org.distill4j.models;

import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Runs in-place writes into a block's parameter arrays with autograd recording switched off. */
final class ParameterCopies {
  private ParameterCopies() {}

  /**
   * PyTorch refuses in-place writes to leaf weights while autograd records, and its grad mode is
   * per thread: a notebook kernel may run this on a thread where it was never switched off.
   */
  static void run(Block block, Runnable writes) {
    boolean recording =
        !block.getParameters().isEmpty()
            && block.getParameters().valueAt(0).getArray() instanceof PtNDArray
            && JniUtils.isGradMode();
    if (recording) {
      JniUtils.setGradMode(false);
    }
    try {
      writes.run();
    } finally {
      if (recording) {
        JniUtils.setGradMode(true);
      }
    }
  }
}
