package org.distill4j.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.distill4j.config.Amp;
import org.distill4j.data.loader.Batch;
import org.distill4j.engine.Autocast;
import org.distill4j.engine.OwnedArrays;
import org.distill4j.models.SegmentationModel;
import org.distill4j.models.TapRecorder;

/**
 * One data-parallel training step: the batch is split into one shard per device; each shard is
 * created on its device, the objective's {@code beforeForward} (a frozen teacher's forward) runs
 * for every shard before the gradient collector opens, then every shard's forward pass and loss run
 * inside the one collector. Each shard's total is scaled by its share of the samples before its
 * backward pass, so the gradients summed over the shards (on one device they accumulate in that
 * step's leaf of the parameter; on several, the parameter server adds the copies' gradients) are
 * the gradient of the whole batch's mean loss. One {@code updateAllParameters()} then applies the
 * optimizer to every device's copy of every parameter with that summed gradient, keeping the copies
 * equal.
 *
 * <p>Backward runs per shard rather than on a sum of the shards' totals: the result is the same and
 * no cross-device copy enters the autograd graph.
 *
 * <p>BatchNorm layers normalise each shard with its own statistics and update their running
 * statistics per device copy, as data-parallel training without synchronised BatchNorm does in
 * PaddlePaddle and PyTorch; the model's own parameters (the first device's copy) keep the first
 * shard's running statistics, which are the ones evaluated and saved.
 */
final class DataParallelStep implements TrainStep {
  private final SegmentationModel model;
  private final TrainingObjective objective;
  private final Device[] shardDevices;
  private final boolean checkBeforeBackward;
  private final Amp amp;

  /**
   * @param shardDevices the device of each shard; the first holds the model's parameters
   * @param checkBeforeBackward read the loss values before the backward passes (needed when a
   *     non-finite batch is skipped rather than ending the run)
   * @param amp the precision of the model's forward passes, as in {@link SingleDeviceStep}
   */
  DataParallelStep(
      SegmentationModel model,
      TrainingObjective objective,
      Device[] shardDevices,
      boolean checkBeforeBackward,
      Amp amp) {
    this.amp = amp;
    this.model = model;
    this.objective = objective;
    this.shardDevices = shardDevices.clone();
    this.checkBeforeBackward = checkBeforeBackward;
  }

  int shardCount() {
    return shardDevices.length;
  }

  /** Forward, backward and update of one batch; returns the shard-weighted mean of each term. */
  @Override
  public Map<String, Double> run(
      ParameterStore parameters, NDManager trainManager, Batch batch, int iteration) {
    List<Batch> shards = BatchShards.split(batch, shardDevices.length);
    double[] weights = BatchShards.weights(shards);
    List<Map<String, Double>> values = new ArrayList<>();
    try (NDManager stepManager = trainManager.newSubManager()) {
      List<NDArray> images = new ArrayList<>();
      List<NDArray> labels = new ArrayList<>();
      for (int k = 0; k < shards.size(); k++) {
        Batch shard = shards.get(k);
        NDManager shardManager = stepManager.newSubManager(shardDevices[k]);
        NDArray x =
            shardManager.create(
                shard.images, new Shape(shard.size, shard.channels, shard.height, shard.width));
        images.add(x);
        labels.add(
            shardManager.create(shard.labels, new Shape(shard.size, shard.height, shard.width)));
        objective.beforeForward(x);
      }
      List<Map<String, NDArray>> terms = new ArrayList<>();
      try (GradientCollector collector = trainManager.getEngine().newGradientCollector()) {
        for (int k = 0; k < shards.size(); k++) {
          terms.add(forward(parameters, images.get(k), labels.get(k)));
        }
        if (checkBeforeBackward) {
          // A batch that may be skipped must leave no gradient behind.
          for (Map<String, NDArray> t : terms) {
            values.add(TrainStep.checkedValues(t, iteration));
          }
        }
        for (int k = 0; k < shards.size(); k++) {
          NDArray total = terms.get(k).get(TrainingObjective.TOTAL);
          collector.backward(OwnedArrays.mul(total, weights[k]));
        }
      }
      if (!checkBeforeBackward) {
        // Read after all backward passes were issued, so devices are not waited for one by one.
        for (Map<String, NDArray> t : terms) {
          values.add(TrainStep.checkedValues(t, iteration));
        }
      }
      parameters.updateAllParameters();
    }
    return BatchShards.merge(values, weights);
  }

  private Map<String, NDArray> forward(ParameterStore parameters, NDArray images, NDArray labels) {
    TapRecorder taps =
        objective.tapPaths().isEmpty() ? null : new TapRecorder(objective.tapPaths());
    NDList outputs;
    try (SegmentationModel.Recording recording = taps == null ? null : model.record(taps);
        Autocast precision = Autocast.scope(amp)) {
      outputs = Autocast.float32(model.block().forward(parameters, new NDList(images), true));
    }
    return objective.compute(new TrainingObjective.Step(outputs, images, labels, taps, parameters));
  }

  /**
   * The devices in the order DJL 0.36's {@code ParameterStore} pairs device copies with device
   * indices. It numbers the devices as given, but lists each parameter's copies in the iteration
   * order of a {@code ConcurrentHashMap} keyed by device; for GPUs whose hashes wrap around the
   * map's table (e.g. gpu(10) and gpu(11)) the two orders differ and a forward pass would be handed
   * another device's copy. Giving the devices in the map's own order makes both orders agree.
   */
  static Device[] inStoreOrder(Device[] devices) {
    Map<Device, Integer> probe = new ConcurrentHashMap<>();
    for (int i = 0; i < devices.length; i++) {
      probe.put(devices[i], i);
    }
    return probe.keySet().toArray(new Device[0]);
  }
}
