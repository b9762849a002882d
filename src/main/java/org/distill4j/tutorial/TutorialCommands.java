package org.distill4j.tutorial;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.ResolvedConfig;

/**
 * The command lines equivalent to a {@link Tutorial}'s calls: the same configs, loop options and
 * seed, so that running one from a shell trains exactly the run the call trains. Arguments come as
 * a list (absolute paths, for {@code Main}); {@link #shown} formats them as a user types them.
 */
public final class TutorialCommands {
  private final Tutorial tutorial;

  TutorialCommands(Tutorial tutorial) {
    this.tutorial = tutorial;
  }

  /** The command line that trains as {@link Tutorial#train(String, long)} does, paths as given. */
  public List<String> train(String role, long runSeed) {
    List<String> args =
        new ArrayList<>(List.of("train", "--config", tutorial.configFile(role).toString()));
    args.addAll(loopFlags(tutorial.config(role), tutorial.runDirName(role, runSeed), runSeed));
    return args;
  }

  /**
   * The command line that distils as {@link Tutorial#distill(String, ResolvedConfig, long)} does
   * with the student config written to {@code studentConfigName} ({@code student} for the
   * tutorial's own).
   */
  public List<String> distill(String run, String studentConfigName, long runSeed) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("distill", "--teacher_config", tutorial.configFile("teacher").toString()));
    args.addAll(List.of("--student_config", tutorial.configFile(studentConfigName).toString()));
    args.addAll(
        List.of("--teacher_model", tutorial.runDir("teacher").resolve("best_model").toString()));
    ResolvedConfig student = ConfigLoader.load(tutorial.configFile(studentConfigName));
    args.addAll(loopFlags(student, tutorial.runDirName(run, runSeed), runSeed));
    return args;
  }

  /** A command as a user types it: {@code bin/distill4j} and paths inside the project relative. */
  public static String shown(List<String> command) {
    StringBuilder sb = new StringBuilder("bin/distill4j");
    for (String arg : command) {
      sb.append(arg.startsWith("--") ? " \\\n    " : " ");
      sb.append(arg.startsWith("/") ? TutorialEnvironment.shown(Paths.get(arg)) : arg);
    }
    return sb.toString();
  }

  private List<String> loopFlags(ResolvedConfig config, String runName, long runSeed) {
    int iters = config.seg().iters();
    return List.of(
        "--do_eval",
        "--use_vdl",
        "--save_interval",
        Integer.toString(tutorial.saveInterval(iters)),
        "--log_iters",
        Integer.toString(Tutorial.logIters(iters)),
        "--keep_checkpoint_max",
        "1",
        "--seed",
        Long.toString(runSeed),
        "--num_workers",
        Integer.toString(tutorial.numWorkers()),
        "--save_dir",
        tutorial.runDir(runName).toString());
  }
}
