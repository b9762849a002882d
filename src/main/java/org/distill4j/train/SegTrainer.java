package org.distill4j.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distill4j.config.ConfigException;
import org.distill4j.data.Seeds;
import org.distill4j.data.SegDataset;
import org.distill4j.data.loader.Batch;
import org.distill4j.data.loader.DataLoader;
import org.distill4j.engine.Autocast;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.optim.LearningRateSchedule;
import org.distill4j.train.optim.SegOptimizer;

/**
 * The training loop shared by plain training and distillation: batches from a {@link DataLoader},
 * one optimizer step per iteration, the learning-rate schedule stepped after each update,
 * evaluation and checkpoints every {@code save_interval} and at the last iteration. It emits events
 * to {@link TrainingListener}s and knows nothing about consoles, files or charts.
 *
 * <p>The loop checks the thread's interrupt flag between iterations, so a notebook's stop button
 * ends it cleanly after the current step.
 *
 * <p>Devices: by default everything runs on the device of the model's parameters. With several
 * devices ({@link Builder#optDevices}) training is data parallel on one machine: {@code batch_size}
 * is per device, as in PaddleSeg's multi-GPU training, so each iteration loads {@code batch_size x
 * devices} samples, gives each device its shard, and averages the gradients (see {@link
 * DataParallelStep}). The model's parameters must live on the first device.
 */
public final class SegTrainer {
  /** With {@code skip_nonfinite}, this many non-finite batches in a row still stop the run. */
  public static final int MAX_CONSECUTIVE_SKIPS = 10;

  private final SegmentationModel model;
  private final SegDataset trainSet;
  private final SegDataset valSet;
  private final TrainingObjective objective;
  private final SegOptimizer optimizer;
  private final LearningRateSchedule schedule;
  private final TrainingOptions options;
  private final List<TrainingListener> listeners;
  private final String configYaml;
  private final Device[] devices;
  private final int forcedShards;

  private SegTrainer(Builder b) {
    this.model = b.model;
    this.trainSet = b.trainSet;
    this.valSet = b.valSet;
    this.objective = b.objective;
    this.optimizer = b.optimizer;
    this.schedule = b.schedule;
    this.options = b.options;
    this.listeners = List.copyOf(b.listeners);
    this.configYaml = b.configYaml;
    this.devices = b.devices;
    this.forcedShards = b.forcedShards;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The devices this trainer runs on: those given to the builder, or the model's device. */
  public Device[] devices() {
    return devices == null ? new Device[] {model.manager().getDevice()} : devices.clone();
  }

  public TrainingOptions options() {
    return options;
  }

  /** Runs the loop to {@code iters} (or to an interrupt) and returns what it produced. */
  public TrainingResult train() {
    long started = System.nanoTime();
    Autocast.requireUsable("amp", options.amp(), devices())
        .ifPresent(w -> System.err.println("warning: " + w));
    Map<String, Block> extras = objective.trainableBlocks();
    RunProvenance provenance = RunProvenance.of(options, devices(), configYaml, options.runNotes());
    Checkpoints checkpoints =
        options.saveDir() == null ? null : new Checkpoints(options.saveDir(), extras, provenance);
    Checkpoints.LoopState state = resumeOrStart(extras, provenance);
    SavePoints savePoints =
        new SavePoints(
            model, valSet, optimizer, options, checkpoints, configYaml, listeners, state);
    for (TrainingListener l : listeners) {
      l.onTrainingStart(options, state.iteration() + 1);
    }
    LoopEnd end = loop(state.iteration(), extras, savePoints);
    TrainingResult result =
        new TrainingResult(
            end.iteration(),
            end.interrupted(),
            Optional.ofNullable(savePoints.lastMetrics()),
            savePoints.bestMiou(),
            savePoints.bestIteration(),
            options.saveDir(),
            (System.nanoTime() - started) / 1e9);
    listeners.forEach(l -> l.onTrainingEnd(result));
    return result;
  }

  /** Where the loop stopped: the last completed iteration, and whether an interrupt stopped it. */
  private record LoopEnd(int iteration, boolean interrupted) {}

  /**
   * Names the parameters for the optimizer state and, with {@code resume_model}, checks the
   * checkpoint's provenance and loads it; returns the loop state to start from.
   */
  private Checkpoints.LoopState resumeOrStart(Map<String, Block> extras, RunProvenance provenance) {
    // Optimizer state is saved and restored by parameter name, not by per-process parameter id.
    optimizer.nameParameters(model.block());
    extras.forEach((name, block) -> optimizer.nameParameters(name + "/", block));
    if (options.resumeModel() == null) {
      return new Checkpoints.LoopState(0, Double.NaN, 0);
    }
    RunProvenance.checkBeforeResume(provenance, configYaml, options.resumeModel());
    return Checkpoints.resume(model, extras, optimizer, options.resumeModel());
  }

  /** The iterations from {@code start} to {@code iters}, or to an interrupt. */
  private LoopEnd loop(int start, Map<String, Block> extras, SavePoints savePoints) {
    DataParallelStep parallel = dataParallelStep();
    TrainStep step =
        parallel == null ? new SingleDeviceStep(model, objective, options.amp()) : parallel;
    int shards = parallel == null ? 1 : parallel.shardCount();
    // Parameters are read through one store wired to the optimizer: a step's update covers the
    // model and every extra trainable block the objective reads through the same store. With
    // several devices the store keeps a copy of every parameter on each of them.
    try (NDManager trainManager = model.manager().newSubManager();
        DataLoader loader = newLoader(shards)) {
      StepParameterStore parameters =
          new StepParameterStore(
              trainManager,
              optimizer,
              parallel == null
                  ? new Device[] {trainManager.getDevice()}
                  : DataParallelStep.inStoreOrder(devices()));
      List<Block> trainedBlocks = new ArrayList<>(extras.values());
      trainedBlocks.add(0, model.block());
      NonFinitePolicy nonFinite =
          new NonFinitePolicy(
              options.skipNonFinite(), trainManager, trainedBlocks, parameters, listeners);
      WindowStats window = new WindowStats();
      Iterator<Batch> batches = loader.stream(start);
      int iter = start;
      while (iter < options.iters()) {
        if (Thread.currentThread().isInterrupted()) {
          return new LoopEnd(iter, true);
        }
        long t0 = System.nanoTime();
        Batch batch = batches.next();
        double lr = schedule.learningRate(iter);
        optimizer.setLearningRate(lr);
        seedStep(iter + 1);
        int iteration = iter + 1;
        Map<String, Double> terms =
            nonFinite.run(() -> step.run(parameters, trainManager, batch, iteration));
        iter++;
        if (terms != null) {
          window.add(terms, batch.readCostSeconds, (System.nanoTime() - t0) / 1e9, batch.size);
        }
        if ((iter % options.logIters() == 0 || iter == options.iters()) && window.count > 0) {
          emitIteration(window, iter, batch.epoch, lr, start);
          window = new WindowStats();
        }
        savePoints.after(iter);
      }
      return new LoopEnd(iter, false);
    }
  }

  /**
   * Seeds libtorch's generator (dropout draws from it) from the run's seed and the iteration, so
   * each step's random draws depend on nothing that came before it: a run resumed at iteration k
   * draws exactly what the uninterrupted run drew.
   */
  private void seedStep(int iteration) {
    long mixed = Seeds.mix(options.seed(), iteration);
    Engine.getInstance().setRandomSeed((int) (mixed ^ (mixed >>> 32)));
  }

  /** The sharded step for several devices (or forced shards), or null for the one-device step. */
  private DataParallelStep dataParallelStep() {
    Device[] shardDevices;
    if (devices != null && devices.length > 1) {
      shardDevices = devices;
    } else if (forcedShards > 1) {
      shardDevices = new Device[forcedShards];
      Arrays.fill(shardDevices, model.manager().getDevice());
    } else {
      return null;
    }
    return new DataParallelStep(
        model, objective, shardDevices, options.skipNonFinite(), options.amp());
  }

  /** The loader; {@code batch_size} is per device, so it loads that many per shard. */
  private DataLoader newLoader(int shards) {
    return DataLoader.builder()
        .setDataset(trainSet)
        .setBatchSize(options.batchSize() * shards)
        .optShuffle(true)
        .optDropLast(true)
        .optNumWorkers(options.numWorkers())
        .optSeed(options.seed())
        .build();
  }

  /** The scalar value of every term; a non-finite one throws {@link NonFiniteLossException}. */
  static Map<String, Double> checkedValues(Map<String, NDArray> terms, int iteration) {
    return TrainStep.checkedValues(terms, iteration);
  }

  private void emitIteration(WindowStats w, int iter, int epochIndex, double lr, int start) {
    double batchCost = w.seconds / w.count;
    int remaining = options.iters() - iter;
    IterationLog log =
        new IterationLog(
            iter,
            options.iters(),
            epochIndex + 1,
            w.means(),
            lr,
            batchCost,
            w.readSeconds / w.count,
            w.samples / w.seconds,
            remaining * batchCost);
    listeners.forEach(l -> l.onIteration(log));
  }

  /** Builder for {@link SegTrainer}. */
  public static final class Builder {
    private SegmentationModel model;
    private SegDataset trainSet;
    private SegDataset valSet;
    private TrainingObjective objective;
    private SegOptimizer optimizer;
    private LearningRateSchedule schedule;
    private TrainingOptions options = TrainingOptions.builder().build();
    private final List<TrainingListener> listeners = new ArrayList<>();
    private String configYaml;
    private Device[] devices;
    private int forcedShards = 1;

    private Builder() {}

    public Builder setModel(SegmentationModel model) {
      this.model = model;
      return this;
    }

    public Builder setTrainDataset(SegDataset trainSet) {
      this.trainSet = trainSet;
      return this;
    }

    public Builder optValDataset(SegDataset valSet) {
      this.valSet = valSet;
      return this;
    }

    public Builder setObjective(TrainingObjective objective) {
      this.objective = objective;
      return this;
    }

    public Builder setOptimizer(SegOptimizer optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    public Builder setSchedule(LearningRateSchedule schedule) {
      this.schedule = schedule;
      return this;
    }

    public Builder setOptions(TrainingOptions options) {
      this.options = options;
      return this;
    }

    public Builder addListener(TrainingListener listener) {
      this.listeners.add(listener);
      return this;
    }

    /** The resolved config, stored beside every checkpoint for provenance. */
    public Builder optConfigYaml(String configYaml) {
      this.configYaml = configYaml;
      return this;
    }

    /**
     * The devices to train on; the model's parameters must be on the first. With more than one,
     * training is data parallel and {@code batch_size} counts samples per device. Default: the
     * device of the model's parameters.
     */
    public Builder optDevices(Device... devices) {
      this.devices = devices == null ? null : devices.clone();
      return this;
    }

    /**
     * Splits every batch into {@code shards} shards on the model's one device and runs the
     * data-parallel step, as if there were that many devices ({@code batch_size} per shard). For
     * tests of the sharding and gradient averaging on a machine with one device.
     */
    Builder forceShards(int shards) {
      this.forcedShards = shards;
      return this;
    }

    public SegTrainer build() {
      require(model, "model");
      require(trainSet, "train dataset");
      require(objective, "objective");
      require(optimizer, "optimizer");
      require(schedule, "learning-rate schedule");
      int perStep = options.batchSize() * Math.max(checkDevices(), forcedShards);
      if (perStep > trainSet.size()) {
        throw new ConfigException(
            "batch_size "
                + options.batchSize()
                + (perStep == options.batchSize()
                    ? ""
                    : " per device x " + perStep / options.batchSize() + " = " + perStep)
                + " is larger than the training set ("
                + trainSet.size()
                + " images in "
                + trainSet.root()
                + "); lower batch_size");
      }
      if (options.doEval() && valSet == null) {
        throw new ConfigException("--do_eval needs a val_dataset section in the config");
      }
      return new SegTrainer(this);
    }

    /** Checks the device list against the model; returns the number of devices. */
    private int checkDevices() {
      if (devices == null) {
        return 1;
      }
      if (devices.length == 0) {
        throw new IllegalArgumentException("optDevices needs at least one device");
      }
      if (new HashSet<>(Arrays.asList(devices)).size() != devices.length) {
        throw new IllegalArgumentException(
            "a device is listed twice in " + Arrays.toString(devices));
      }
      Device home = model.manager().getDevice();
      if (!home.equals(devices[0])) {
        throw new IllegalArgumentException(
            "the model's parameters are on "
                + home
                + " but the first training device is "
                + devices[0]
                + "; initialise the model in a manager on "
                + devices[0]
                + " (TrainingSetup does this)");
      }
      if (forcedShards > 1 && devices.length > 1) {
        throw new IllegalArgumentException("forceShards is for a single device");
      }
      return devices.length;
    }

    private static void require(Object o, String what) {
      if (o == null) {
        throw new IllegalStateException("SegTrainer needs a " + what);
      }
    }
  }
}
