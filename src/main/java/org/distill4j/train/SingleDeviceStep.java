package org.distill4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.distill4j.config.Amp;
import org.distill4j.data.loader.Batch;
import org.distill4j.engine.Autocast;
import org.distill4j.models.SegmentationModel;
import org.distill4j.models.TapRecorder;

/** The training step on one device: forward with taps, objective, backward, update. */
final class SingleDeviceStep implements TrainStep {
  private final SegmentationModel model;
  private final TrainingObjective objective;
  private final Amp amp;

  /**
   * @param amp the precision of the model's forward pass (and so of its backward); the objective
   *     (losses, the frozen teacher, connectors) stays float32
   */
  SingleDeviceStep(SegmentationModel model, TrainingObjective objective, Amp amp) {
    this.model = model;
    this.objective = objective;
    this.amp = amp;
  }

  @Override
  public Map<String, Double> run(
      ParameterStore parameters, NDManager trainManager, Batch batch, int iteration) {
    Map<String, Double> values = new LinkedHashMap<>();
    try (NDManager stepManager = trainManager.newSubManager()) {
      NDArray images =
          stepManager.create(
              batch.images, new Shape(batch.size, batch.channels, batch.height, batch.width));
      NDArray labels =
          stepManager.create(batch.labels, new Shape(batch.size, batch.height, batch.width));
      objective.beforeForward(images);
      TapRecorder taps =
          objective.tapPaths().isEmpty() ? null : new TapRecorder(objective.tapPaths());
      try (GradientCollector collector = trainManager.getEngine().newGradientCollector()) {
        NDArray total;
        // The forward pass and the loss run in their own manager, closed before the backward
        // pass: autograd keeps its own references to what backward needs and drops each as
        // backward passes it, as in PyTorch, instead of every intermediate living to the end of
        // the step. Only the total leaves the scope.
        try (NDManager forwardScope = stepManager.newSubManager()) {
          forwardScope.tempAttachAll(images, labels);
          NDList outputs;
          try (SegmentationModel.Recording recording = taps == null ? null : model.record(taps);
              Autocast precision = Autocast.scope(amp)) {
            outputs = Autocast.float32(model.block().forward(parameters, new NDList(images), true));
          }
          Map<String, NDArray> terms =
              objective.compute(
                  new TrainingObjective.Step(outputs, images, labels, taps, parameters));
          values.putAll(TrainStep.checkedValues(terms, iteration));
          total = terms.get(TrainingObjective.TOTAL);
          total.attach(stepManager);
        }
        collector.backward(total);
      }
      parameters.updateAllParameters();
    }
    return values;
  }
}
