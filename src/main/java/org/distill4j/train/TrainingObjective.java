package org.distill4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Map;
import java.util.Set;
import org.distill4j.models.TapRecorder;

/**
 * What a training step minimises. Plain training uses the config's {@code loss} mix; distillation
 * adds terms that compare the student with a teacher. The returned map's {@code loss} entry is the
 * total that is back-propagated; the other entries are logged as separate terms.
 */
public interface TrainingObjective {
  /** Name of the total in the returned map. */
  String TOTAL = "loss";

  /**
   * Called with each batch before the gradient collector opens, so work done here (a frozen
   * teacher's forward pass) records no autograd graph. Arrays must belong to the images' manager
   * (and so live on the images' device). In data-parallel training it is called once per device's
   * shard, for all shards before any {@link #compute}; each {@code compute} call then gets a {@link
   * Step} whose {@code images} is the very array given here for that shard.
   */
  default void beforeForward(NDArray images) {}

  /**
   * Computes the loss terms of one batch. Called inside the gradient collector; every array it
   * creates must belong to the manager of {@code step.images()}, which is closed after the step.
   *
   * @return named scalar terms; {@code loss} is the total
   */
  Map<String, NDArray> compute(Step step);

  /** The student tap paths this objective needs recorded during the forward pass. */
  default Set<String> tapPaths() {
    return Set.of();
  }

  /**
   * Blocks other than the model whose parameters train with it (a distillation's connectors), by
   * the file name they are saved under in each checkpoint. Their parameters must be fetched through
   * {@link Step#parameters()} to be updated.
   */
  default Map<String, Block> trainableBlocks() {
    return Map.of();
  }

  /**
   * One batch as the objective sees it.
   *
   * @param outputs the model's outputs (a list of logits)
   * @param images the input batch (N, 3, H, W)
   * @param labels the labels (N, H, W), 255 = ignore
   * @param taps the recorder holding the tensors of {@link #tapPaths()}, or null when none
   * @param parameters the store through which trained parameters must be read
   */
  record Step(
      NDList outputs,
      NDArray images,
      NDArray labels,
      TapRecorder taps,
      ParameterStore parameters) {}
}
