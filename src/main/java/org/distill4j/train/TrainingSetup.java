package org.distill4j.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.Optional;
import org.distill4j.config.Amp;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.config.SegConfig;
import org.distill4j.data.Datasets;
import org.distill4j.data.SegDataset;
import org.distill4j.losses.LossMix;
import org.distill4j.losses.Losses;
import org.distill4j.models.Models;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.optim.LearningRateSchedule;
import org.distill4j.train.optim.Optimizers;
import org.distill4j.train.optim.Schedules;
import org.distill4j.train.optim.SegOptimizer;

/**
 * Everything a training run is built from, made from one resolved config through the registries.
 * The CLI, the tutorial and notebooks all start here, so there is one way to turn a config into
 * running components. Close it to free the model's native memory.
 *
 * <p>The devices are chosen here, before the model is built, because the model's parameters are
 * created on the first of them; {@link #trainer} passes them on to the training loop.
 */
public final class TrainingSetup implements AutoCloseable {
  private final ResolvedConfig config;
  private final SegConfig seg;
  private final SegmentationModel model;
  private final SegDataset trainSet;
  private final SegDataset valSet;
  private final LossMix loss;
  private final SegOptimizer optimizer;
  private final NDManager manager;
  private final LearningRateSchedule schedule;
  private final Device[] devices;

  private TrainingSetup(ResolvedConfig config, long seed, Device[] devices) {
    this.config = config;
    this.seg = new SegConfig(config.root()).validate();
    this.devices =
        devices == null || devices.length == 0
            ? Devices.ofMachine().resolve(null, seg)
            : devices.clone();
    // Build everything that can fail on bad input before any native memory is allocated.
    this.trainSet = Datasets.build(seg.trainDataset(), "train");
    this.valSet = seg.valDataset().map(v -> Datasets.build(v, "val")).orElse(null);
    this.loss = LossMix.fromConfig(seg.loss(), Losses.registry());
    this.schedule = Schedules.build(seg.lrScheduler(), seg.iters());
    this.optimizer = Optimizers.build(seg.optimizer());
    Engine.getInstance().setRandomSeed((int) seed);
    this.model = Models.registry().build(seg.model());
    // The setup owns the parameters' memory; initialize() also loads any configured pretrained.
    this.manager = NDManager.newBaseManager(this.devices[0]);
    try {
      model.initialize(manager, Models.PARAMETER_SHAPE);
    } catch (RuntimeException e) {
      manager.close();
      optimizer.close();
      throw e;
    }
  }

  /** Builds the components of {@code config}, initialising the model from {@code seed}. */
  public static TrainingSetup fromConfig(ResolvedConfig config, long seed) {
    return new TrainingSetup(config, seed, null);
  }

  /**
   * As {@link #fromConfig(ResolvedConfig, long)} on the given devices (e.g. from {@code
   * --devices}); none means the config's {@code devices} key, else every visible GPU, else the CPU.
   * The model's parameters are created on the first device.
   */
  public static TrainingSetup fromConfig(ResolvedConfig config, long seed, Device... devices) {
    return new TrainingSetup(config, seed, devices);
  }

  /** The devices training runs on; the model's parameters live on the first. */
  public Device[] devices() {
    return devices.clone();
  }

  public ResolvedConfig config() {
    return config;
  }

  public SegConfig segConfig() {
    return seg;
  }

  public SegmentationModel model() {
    return model;
  }

  public SegDataset trainDataset() {
    return trainSet;
  }

  public Optional<SegDataset> valDataset() {
    return Optional.ofNullable(valSet);
  }

  public LossMix loss() {
    return loss;
  }

  public SegOptimizer optimizer() {
    return optimizer;
  }

  public LearningRateSchedule schedule() {
    return schedule;
  }

  /**
   * A trainer builder with this setup's model, data, loss, optimizer and schedule, and the loop
   * options taken from the config ({@code iters}, {@code batch_size}, {@code amp}) merged into
   * {@code options}, on {@link #devices()} ({@code batch_size} per device).
   */
  public SegTrainer.Builder trainer(TrainingOptions.Builder options) {
    TrainingOptions resolved =
        options.setIters(seg.iters()).setBatchSize(seg.batchSize()).optAmp(amp(options)).build();
    return SegTrainer.builder()
        .setModel(model)
        .setTrainDataset(trainSet)
        .optValDataset(valSet)
        .setObjective(new SupervisedObjective(loss))
        .setOptimizer(optimizer)
        .setSchedule(schedule)
        .setOptions(resolved)
        .optDevices(devices)
        .optConfigYaml(config.toYaml());
  }

  /**
   * The config's {@code amp} when it has the key, else what {@code options} say; both set and
   * different is refused rather than one silently winning.
   */
  private Amp amp(TrainingOptions.Builder options) {
    if (!seg.root().has(Amp.KEY)) {
      return options.amp();
    }
    Amp fromConfig = seg.amp();
    if (options.amp() != Amp.NONE && options.amp() != fromConfig) {
      throw new ConfigException(
          "TrainingOptions.optAmp("
              + options.amp()
              + ") contradicts the config's amp: "
              + fromConfig.configName()
              + " ("
              + seg.root().file()
              + "); set the precision in one place");
    }
    return fromConfig;
  }

  @Override
  public void close() {
    optimizer.close();
    manager.close();
  }
}
