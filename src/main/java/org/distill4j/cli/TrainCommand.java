package org.distill4j.cli;

import ai.djl.Device;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import org.distill4j.app.RunListeners;
import org.distill4j.app.TrainingRun;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.config.SegConfig;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.Devices;
import org.distill4j.train.SegTrainer;
import org.distill4j.train.TrainingOptions;
import org.distill4j.train.TrainingResult;
import org.distill4j.train.TrainingSetup;

/** {@code train}: PaddleSeg's {@code train.py} for one config. */
final class TrainCommand implements Main.Command {
  static final Set<String> SWITCHES = Set.of("do_eval", "use_vdl", "skip_nonfinite");
  static final Set<String> OPTIONS =
      Set.of(
          "config",
          "save_interval",
          "num_workers",
          "seed",
          "save_dir",
          "iters",
          "batch_size",
          "learning_rate",
          "log_iters",
          "keep_checkpoint_max",
          "resume_model",
          "devices",
          "amp");

  @Override
  public String summary() {
    return "train a model from a config (--config FILE --do_eval --use_vdl --save_dir DIR"
        + " --devices gpu:0,1 --amp bf16 ...)";
  }

  @Override
  public int run(String[] argv) {
    Args args = Args.parse("train", argv, SWITCHES, OPTIONS);
    ResolvedConfig config = ConfigFlags.load(args, "config");
    TrainingOptions.Builder options = options(args);
    long seed = ResumeFlags.seed(args);
    Device[] devices = devices(args, config);
    // Flags and devices are checked first: they are cheaper than reading every image.
    DataCheck.beforeRun(new SegConfig(config.root()), true, args.flag("do_eval"));
    try (TrainingSetup setup = TrainingSetup.fromConfig(config, seed, devices)) {
      TrainingResult result =
          train(
              setup.trainer(options),
              setup.config(),
              setup.model(),
              options,
              args.flag("use_vdl"),
              "train");
      return result.interrupted() ? Main.FAILED : Main.OK;
    }
  }

  /** Loop options from the flags every training command shares. */
  static TrainingOptions.Builder options(Args args) {
    TrainingOptions.Builder options =
        TrainingOptions.builder().optRunNote("command_line", args.commandLine());
    if (args.has("learning_rate")) {
      options.optRunNote(ResumeFlags.LEARNING_RATE_NOTE, args.require("learning_rate"));
    }
    String config = args.get("config", args.get("student_config", null));
    if (config != null) {
      options.optRunNote("config", config);
    }
    return options
        .optDoEval(args.flag("do_eval"))
        .optSaveInterval(args.intValue("save_interval", 1000))
        .optNumWorkers(args.intValue("num_workers", 0))
        .optSeed(ResumeFlags.seed(args))
        .optSaveDir(Paths.get(args.get("save_dir", "output")))
        .optLogIters(args.intValue("log_iters", 10))
        .optKeepCheckpointMax(args.intValue("keep_checkpoint_max", 5))
        .optResumeModel(args.optPath("resume_model"))
        .optSkipNonFinite(args.flag("skip_nonfinite"));
  }

  /**
   * The devices of {@code --devices}, else of the config's {@code devices} key, else every visible
   * GPU, else the CPU.
   */
  static Device[] devices(Args args, ResolvedConfig config) {
    return Devices.ofMachine()
        .resolve(
            args.has("devices") ? args.require("devices") : null, new SegConfig(config.root()));
  }

  /**
   * Trains with the command line's listener preset (PaddleSeg's log; charts with {@code --use_vdl})
   * through the shared recipe.
   */
  static TrainingResult train(
      SegTrainer.Builder builder,
      ResolvedConfig config,
      SegmentationModel model,
      TrainingOptions.Builder options,
      boolean useVdl,
      String title) {
    Path saveDir = options.build().saveDir();
    return TrainingRun.train(
        builder,
        config,
        model,
        RunListeners.commandLine(saveDir, title, useVdl),
        System.out::println);
  }
}
