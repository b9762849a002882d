package org.distill4j.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distill4j.config.ConfigException;
import org.distill4j.data.Batch;
import org.distill4j.data.DataLoader;
import org.distill4j.data.Seeds;
import org.distill4j.data.SegDataset;
import org.distill4j.errors.NumericalFaultException;
import org.distill4j.eval.SegEvaluator;
import org.distill4j.eval.SegMetrics;
import org.distill4j.models.SegmentationModel;
import org.distill4j.models.TapRecorder;
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
    Map<String, Block> extras = objective.trainableBlocks();
    RunProvenance provenance = RunProvenance.of(options, devices(), configYaml, options.runNotes());
    Checkpoints checkpoints =
        options.saveDir() == null ? null : new Checkpoints(options.saveDir(), extras, provenance);
    Checkpoints.LoopState state = new Checkpoints.LoopState(0, Double.NaN, 0);
    // Optimizer state is saved and restored by parameter name, not by per-process parameter id.
    optimizer.nameParameters(model.block());
    extras.forEach((name, block) -> optimizer.nameParameters(name + "/", block));
    if (options.resumeModel() != null) {
      RunProvenance.checkBeforeResume(provenance, configYaml, options.resumeModel());
      state = Checkpoints.resume(model, extras, optimizer, options.resumeModel());
    }
    int start = state.iteration();
    double bestMiou = state.bestMiou();
    int bestIter = state.bestIteration();
    SegMetrics lastMetrics = null;
    boolean interrupted = false;
    int iter = start;

    for (TrainingListener l : listeners) {
      l.onTrainingStart(options, start + 1);
    }
    DataParallelStep parallel = dataParallelStep();
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
      WindowStats window = new WindowStats();
      List<Block> trainedBlocks = new ArrayList<>(extras.values());
      trainedBlocks.add(0, model.block());
      int consecutiveSkips = 0;
      Iterator<Batch> batches = loader.stream(start);
      while (iter < options.iters()) {
        if (Thread.currentThread().isInterrupted()) {
          interrupted = true;
          break;
        }
        long t0 = System.nanoTime();
        Batch batch = batches.next();
        double lr = schedule.learningRate(iter);
        optimizer.setLearningRate(lr);
        seedStep(iter + 1);
        Map<String, Double> terms;
        try (RunningStatsSnapshot before =
            options.skipNonFinite() ? RunningStatsSnapshot.of(trainManager, trainedBlocks) : null) {
          try {
            terms =
                parallel == null
                    ? step(parameters, trainManager, batch, iter + 1)
                    : parallel.run(parameters, trainManager, batch, iter + 1);
            consecutiveSkips = 0;
          } catch (NonFiniteLossException e) {
            if (before == null) {
              throw e;
            }
            before.restore();
            parameters.discardStep();
            terms = null;
            skipped(e, ++consecutiveSkips);
          }
        }
        iter++;
        if (terms != null) {
          window.add(terms, batch.readCostSeconds, (System.nanoTime() - t0) / 1e9, batch.size);
        }
        if ((iter % options.logIters() == 0 || iter == options.iters()) && window.count > 0) {
          emitIteration(window, iter, batch.epoch, lr, start);
          window = new WindowStats();
        }
        if (options.isSaveIteration(iter)) {
          if (options.doEval() && valSet != null) {
            long e0 = System.nanoTime();
            lastMetrics = SegEvaluator.evaluate(model, valSet);
            if (Double.isNaN(bestMiou) || lastMetrics.miou() > bestMiou) {
              bestMiou = lastMetrics.miou();
              bestIter = iter;
              if (checkpoints != null) {
                checkpoints.saveBest(
                    model, new Checkpoints.LoopState(iter, bestMiou, bestIter), configYaml);
              }
            }
            EvalLog log =
                new EvalLog(
                    iter,
                    lastMetrics,
                    valSet.size(),
                    bestMiou,
                    bestIter,
                    (System.nanoTime() - e0) / 1e9);
            listeners.forEach(l -> l.onEvaluation(log));
          }
          if (checkpoints != null) {
            var saved =
                checkpoints.saveIteration(
                    model,
                    optimizer,
                    new Checkpoints.LoopState(iter, bestMiou, bestIter),
                    configYaml);
            checkpoints.prune(options.keepCheckpointMax());
            final int savedIter = iter;
            listeners.forEach(l -> l.onCheckpoint(savedIter, saved));
          }
        }
      }
    }
    TrainingResult result =
        new TrainingResult(
            iter,
            interrupted,
            Optional.ofNullable(lastMetrics),
            bestMiou,
            bestIter,
            options.saveDir(),
            (System.nanoTime() - started) / 1e9);
    listeners.forEach(l -> l.onTrainingEnd(result));
    return result;
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
    return new DataParallelStep(model, objective, shardDevices, options.skipNonFinite());
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

  /** One forward, backward and update; returns the scalar value of every loss term. */
  private Map<String, Double> step(
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
          try (SegmentationModel.Recording recording = taps == null ? null : model.record(taps)) {
            outputs = model.block().forward(parameters, new NDList(images), true);
          }
          Map<String, NDArray> terms =
              objective.compute(
                  new TrainingObjective.Step(outputs, images, labels, taps, parameters));
          values.putAll(checkedValues(terms, iteration));
          total = terms.get(TrainingObjective.TOTAL);
          total.attach(stepManager);
        }
        collector.backward(total);
      }
      parameters.updateAllParameters();
    }
    return values;
  }

  /** The scalar value of every term; a non-finite one throws {@link NonFiniteLossException}. */
  static Map<String, Double> checkedValues(Map<String, NDArray> terms, int iteration) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : terms.entrySet()) {
      double v = e.getValue().getFloat();
      if (!Double.isFinite(v)) {
        throw new NonFiniteLossException(e.getKey(), v, iteration);
      }
      values.put(e.getKey(), v);
    }
    return values;
  }

  /** Reports a skipped batch; too many in a row means the run diverged, and it stops. */
  private void skipped(NonFiniteLossException reason, int consecutive) {
    if (consecutive >= MAX_CONSECUTIVE_SKIPS) {
      throw new NumericalFaultException(
          consecutive
              + " batches in a row had a non-finite loss, the last at iteration "
              + reason.iteration()
              + " ('"
              + reason.term()
              + "' is "
              + reason.value()
              + "); the run has diverged: lower the learning rate or check the data");
    }
    listeners.forEach(l -> l.onBatchSkipped(reason));
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
