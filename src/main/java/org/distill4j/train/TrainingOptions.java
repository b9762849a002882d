package org.distill4j.train;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.distill4j.config.Amp;
import org.distill4j.config.ConfigException;

/**
 * The loop settings of a run, with PaddleSeg's defaults and flag names. Build with {@link
 * #builder()}; {@code iters} and {@code batch_size} usually come from the config, the rest from the
 * command line.
 */
public final class TrainingOptions {
  private final int iters;
  private final int batchSize;
  private final int logIters;
  private final int saveInterval;
  private final boolean doEval;
  private final int keepCheckpointMax;
  private final Path resumeModel;
  private final long seed;
  private final Path saveDir;
  private final int numWorkers;
  private final boolean useVdl;
  private final boolean skipNonFinite;
  private final Amp amp;
  private final Map<String, String> runNotes;

  private TrainingOptions(Builder b) {
    this.iters = b.iters;
    this.batchSize = b.batchSize;
    this.logIters = b.logIters;
    this.saveInterval = b.saveInterval;
    this.doEval = b.doEval;
    this.keepCheckpointMax = b.keepCheckpointMax;
    this.resumeModel = b.resumeModel;
    this.seed = b.seed;
    this.saveDir = b.saveDir;
    this.numWorkers = b.numWorkers;
    this.useVdl = b.useVdl;
    this.skipNonFinite = b.skipNonFinite;
    this.amp = b.amp;
    this.runNotes = Map.copyOf(b.runNotes);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.iters = iters;
    b.batchSize = batchSize;
    b.logIters = logIters;
    b.saveInterval = saveInterval;
    b.doEval = doEval;
    b.keepCheckpointMax = keepCheckpointMax;
    b.resumeModel = resumeModel;
    b.seed = seed;
    b.saveDir = saveDir;
    b.numWorkers = numWorkers;
    b.useVdl = useVdl;
    b.skipNonFinite = skipNonFinite;
    b.amp = amp;
    b.runNotes.putAll(runNotes);
    return b;
  }

  public int iters() {
    return iters;
  }

  /**
   * Samples per device per iteration: with several devices an iteration trains on {@code batch_size
   * x devices} samples, as PaddleSeg's multi-GPU training does.
   */
  public int batchSize() {
    return batchSize;
  }

  public int logIters() {
    return logIters;
  }

  public int saveInterval() {
    return saveInterval;
  }

  public boolean doEval() {
    return doEval;
  }

  public int keepCheckpointMax() {
    return keepCheckpointMax;
  }

  /** The {@code iter_N} directory to resume from, or null. */
  public Path resumeModel() {
    return resumeModel;
  }

  public long seed() {
    return seed;
  }

  /** Where checkpoints, history and charts go; null means nothing is written. */
  public Path saveDir() {
    return saveDir;
  }

  public int numWorkers() {
    return numWorkers;
  }

  public boolean useVdl() {
    return useVdl;
  }

  /**
   * Whether a batch whose loss is NaN or infinite is skipped (no update, BatchNorm statistics put
   * back) rather than stopping the run.
   */
  public boolean skipNonFinite() {
    return skipNonFinite;
  }

  /**
   * Notes for the run's provenance (the command line, the config file); see {@link RunProvenance}.
   */
  /** Mixed precision of the trained model's passes ({@link Amp#NONE}: float32). */
  public Amp amp() {
    return amp;
  }

  public Map<String, String> runNotes() {
    return runNotes;
  }

  /**
   * True when iteration {@code iter} (1-based) evaluates and saves: every save_interval and last.
   */
  public boolean isSaveIteration(int iter) {
    return iter % saveInterval == 0 || iter == iters;
  }

  /** Builder with PaddleSeg's defaults. */
  public static final class Builder {
    private int iters = 1000;
    private int batchSize = 4;
    private int logIters = 10;
    private int saveInterval = 1000;
    private boolean doEval;
    private int keepCheckpointMax = 5;
    private Path resumeModel;
    private long seed = 0;
    private Path saveDir = Paths.get("output");
    private int numWorkers;
    private boolean useVdl;
    private boolean skipNonFinite;
    private Amp amp = Amp.NONE;
    private final Map<String, String> runNotes = new LinkedHashMap<>();

    private Builder() {}

    public Builder setIters(int iters) {
      this.iters = iters;
      return this;
    }

    public Builder setBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder optLogIters(int logIters) {
      this.logIters = logIters;
      return this;
    }

    public Builder optSaveInterval(int saveInterval) {
      this.saveInterval = saveInterval;
      return this;
    }

    public Builder optDoEval(boolean doEval) {
      this.doEval = doEval;
      return this;
    }

    public Builder optKeepCheckpointMax(int keepCheckpointMax) {
      this.keepCheckpointMax = keepCheckpointMax;
      return this;
    }

    public Builder optResumeModel(Path resumeModel) {
      this.resumeModel = resumeModel;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optSaveDir(Path saveDir) {
      this.saveDir = saveDir;
      return this;
    }

    public Builder optNumWorkers(int numWorkers) {
      this.numWorkers = numWorkers;
      return this;
    }

    public Builder optUseVdl(boolean useVdl) {
      this.useVdl = useVdl;
      return this;
    }

    /**
     * Skip batches whose loss is not finite instead of stopping; the run still stops after {@link
     * SegTrainer#MAX_CONSECUTIVE_SKIPS} such batches in a row. Default false.
     */
    public Builder optSkipNonFinite(boolean skipNonFinite) {
      this.skipNonFinite = skipNonFinite;
      return this;
    }

    /**
     * Mixed precision of the trained model's forward and backward passes (the config's {@code amp}
     * key; see {@link Amp}). Default {@link Amp#NONE}, float32.
     */
    public Builder optAmp(Amp amp) {
      this.amp = java.util.Objects.requireNonNull(amp, "amp");
      return this;
    }

    /** The precision set so far (for {@link TrainingSetup#trainer}, which merges the config's). */
    Amp amp() {
      return amp;
    }

    /**
     * Adds a note to the provenance stored in every checkpoint ({@link RunProvenance}), such as the
     * command line or the config file the run was started from.
     */
    public Builder optRunNote(String key, String value) {
      this.runNotes.put(key, value);
      return this;
    }

    public TrainingOptions build() {
      positive("iters", iters);
      positive("batch_size", batchSize);
      positive("log_iters", logIters);
      positive("save_interval", saveInterval);
      positive("keep_checkpoint_max", keepCheckpointMax);
      if (numWorkers < 0) {
        throw new ConfigException("num_workers must be 0 or more, got " + numWorkers);
      }
      return new TrainingOptions(this);
    }

    private static void positive(String name, int value) {
      if (value <= 0) {
        throw new ConfigException(name + " must be a positive integer, got " + value);
      }
    }
  }
}
