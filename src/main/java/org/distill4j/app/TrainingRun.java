package org.distill4j.app;

import ai.djl.Device;
import java.util.Locale;
import java.util.function.Consumer;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.Devices;
import org.distill4j.train.SegTrainer;
import org.distill4j.train.TrainingResult;

/**
 * The one recipe for training a run, shared by {@code train}, {@code distill}, the tutorial and the
 * notebooks: save the resolved config into the save directory (so the run can be reproduced and
 * resumed), attach the watching listeners, say what trains where, train.
 */
public final class TrainingRun {
  private TrainingRun() {}

  /**
   * Trains {@code trainer} (its options name the save directory) watched by {@code listeners}.
   *
   * @param config the resolved config the run trains from; saved as {@code config.yml}
   * @param model the model being trained, named in the first announcement
   * @param announce receives the lines saying what trains where ({@code s -> {}} for none)
   */
  public static TrainingResult train(
      SegTrainer.Builder trainer,
      ResolvedConfig config,
      SegmentationModel model,
      RunListeners listeners,
      Consumer<String> announce) {
    SegTrainer built = listeners.attachTo(trainer).build();
    config.save(built.options().saveDir());
    announce.accept(
        "[TRAIN] "
            + model.name()
            + ", "
            + String.format(Locale.ROOT, "%,d", model.parameterCount())
            + " parameters; saving to "
            + built.options().saveDir());
    Device[] devices = built.devices();
    int batchSize = built.options().batchSize();
    announce.accept(
        "[TRAIN] devices: "
            + Devices.describe(devices)
            + (devices.length == 1
                ? ""
                : "; data parallel, batch_size "
                    + batchSize
                    + " per device ("
                    + batchSize * devices.length
                    + " images per iteration)"));
    return built.train();
  }
}
