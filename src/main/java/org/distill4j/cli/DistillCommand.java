package org.distill4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.Overrides;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.distill.DistillSetup;
import org.distill4j.io.Sha256;
import org.distill4j.train.TrainingOptions;
import org.distill4j.train.TrainingResult;

/**
 * {@code distill}: PaddleSeg's {@code distill_train.py}. The teacher comes from the teacher
 * config's model section (its {@code pretrained}, or {@code --teacher_model}, must point at trained
 * weights); everything else from the student config, including its {@code devices} key (which
 * {@code --devices} overrides). {@code --teacher_cache DIR} reads the teacher's outputs from a
 * cache built in DIR on first use (see {@link org.distill4j.distill.TeacherOutputCache}).
 */
final class DistillCommand implements Main.Command {
  /** The provenance note identifying the teacher a run distils from. */
  static final String TEACHER_NOTE = "teacher_sha256";

  static final Set<String> OPTIONS = options();

  private static Set<String> options() {
    Set<String> o = new HashSet<>(TrainCommand.OPTIONS);
    o.remove("config");
    o.addAll(
        Set.of(
            "teacher_config",
            "teather_config",
            "student_config",
            "teacher_model",
            "teacher_cache"));
    return Set.copyOf(o);
  }

  @Override
  public String summary() {
    return "distill a teacher into a student (--teacher_config T.yml --student_config S.yml ...)";
  }

  @Override
  public int run(String[] argv) throws IOException {
    Args args = Args.parse("distill", argv, TrainCommand.SWITCHES, OPTIONS);
    // The original script spells the flag --teather_config; both are accepted.
    String teacherFlag = args.has("teacher_config") ? "teacher_config" : "teather_config";
    Path teacherFile = args.path(teacherFlag);
    ResolvedConfig teacherConfig =
        ConfigLoader.load(
            teacherFile,
            args.has("teacher_model")
                ? Map.of(Overrides.MODEL_PRETRAINED, args.require("teacher_model"))
                : Map.of());
    ResolvedConfig studentConfig = ConfigFlags.load(args, "student_config");
    TrainingOptions.Builder options = TrainCommand.options(args);
    long seed = ResumeFlags.seed(args);
    ai.djl.Device[] devices = TrainCommand.devices(args, studentConfig);
    DataCheck.beforeRun(new org.distill4j.config.SegConfig(studentConfig.root()), true, true);
    try (DistillSetup setup =
        DistillSetup.fromConfigs(teacherConfig, studentConfig, null, seed, devices)) {
      setup.evaluateTeacher(System.out::println);
      if (args.has("teacher_cache")) {
        setup.useTeacherCache(args.path("teacher_cache"), System.out::println);
      }
      sameTeacherAsCheckpoint(args, teacherConfig, setup, options);
      Path saveDir = options.build().saveDir();
      Files.createDirectories(saveDir);
      Files.writeString(saveDir.resolve("teacher_config.yml"), teacherConfig.toYaml());
      TrainingResult result =
          TrainCommand.train(
              setup.trainer(options),
              studentConfig,
              setup.student().model(),
              options,
              args.flag("use_vdl"),
              "distill");
      setup.teacherCache().ifPresent(c -> System.out.println(c.summary()));
      return result.interrupted() ? Main.FAILED : Main.OK;
    }
  }

  /**
   * Records which teacher this run distils from (its resolved config and the weights it holds) and,
   * on a resume, refuses a teacher other than the checkpoint's: the student would silently go on
   * learning from different targets. Checked before anything is written into the save directory.
   */
  private static void sameTeacherAsCheckpoint(
      Args args,
      ResolvedConfig teacherConfig,
      DistillSetup setup,
      TrainingOptions.Builder options) {
    String teacher =
        Sha256.ofText(teacherConfig.toYaml() + "\n" + setup.teacher().parametersSha256());
    options.optRunNote(TEACHER_NOTE, teacher);
    ResumeFlags.resumed(args)
        .flatMap(p -> p.note(TEACHER_NOTE))
        .filter(then -> !then.equals(teacher))
        .ifPresent(
            then -> {
              throw new ConfigException(
                  "the teacher given now (--teacher_config, --teacher_model) differs from the one"
                      + " the checkpoint "
                      + args.path("resume_model")
                      + " was distilled from (its config or its weights changed); resume with the"
                      + " same teacher, or start a new run without --resume_model");
            });
  }
}
