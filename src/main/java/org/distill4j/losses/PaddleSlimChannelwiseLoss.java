package org.distill4j.losses;

import ai.djl.ndarray.NDArray;
import org.distill4j.config.ConfigMap;

/**
 * PaddleSlim's {@code SegChannelwiseLoss} exactly as the PaddleSeg distillation tutorial runs it:
 *
 * <pre>
 * log p = log_softmax(s, axis = W),  q = softmax(t, axis = W)        (the last axis of N·C·H·W)
 * loss  = mean over all N·C·H·W elements of q · (log q − log p)
 * </pre>
 *
 * <p>It differs from the CWD paper ({@link SegChannelwiseLoss}) in three ways: the softmax runs
 * over each row of W positions instead of over all H·W positions of a channel; the summed KL terms
 * are divided by N·C·H·W instead of N·C; and there is no temperature and no τ² factor. Student and
 * teacher must have the same shape; the labels are ignored. No config keys.
 */
public final class PaddleSlimChannelwiseLoss implements DistillLoss {

  public PaddleSlimChannelwiseLoss() {}

  /** Builds from {@code {type: PaddleSlimChannelwiseLoss}}; there are no other keys. */
  public static PaddleSlimChannelwiseLoss fromConfig(ConfigMap config) {
    config.requireKnownKeys();
    return new PaddleSlimChannelwiseLoss();
  }

  @Override
  public String name() {
    return "PaddleSlimChannelwiseLoss";
  }

  /** {@inheritDoc} The labels are ignored. */
  @Override
  public NDArray evaluate(NDArray student, NDArray teacher, NDArray labelsOrNull) {
    DistillLoss.checkSameShape(name(), student, teacher);
    NDArray logP = student.logSoftmax(3);
    NDArray logQ = teacher.logSoftmax(3);
    return logQ.exp().mul(logQ.sub(logP)).mean();
  }
}
