package org.distill4j.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.distill4j.config.ErrorWords;
import org.distill4j.config.Suggest;
import org.distill4j.errors.Distill4jException;

/**
 * The {@code distill4j} command line. Commands mirror PaddleSeg's scripts and flags; every user
 * error is one line on stderr and exit code 2 ({@code --debug} adds the stack trace).
 */
public final class Main {
  /** A subcommand: parses its own flags and returns the process exit code. */
  interface Command {
    int run(String[] args) throws Exception;

    String summary();
  }

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  /** Commands that never start the engine (so they work without the native library). */
  static final java.util.Set<String> ENGINE_FREE = java.util.Set.of("make-dataset");

  private Main() {}

  static Map<String, Command> commands() {
    Map<String, Command> commands = new LinkedHashMap<>();
    commands.put("train", new TrainCommand());
    commands.put("distill", new DistillCommand());
    commands.put("eval", new EvalCommand());
    commands.put("predict", new PredictCommand());
    commands.put("check", new CheckCommand());
    commands.put("make-dataset", new MakeDatasetCommand());
    commands.put("tutorial", new TutorialCommand());
    commands.put("bench", new BenchCommand());
    commands.put("export", new ExportCommand());
    return commands;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.err));
  }

  /** Runs a command line and returns its exit code instead of exiting (used by tests). */
  public static int run(String[] args, PrintStream err) {
    boolean debug = Arrays.asList(args).contains("--debug");
    String[] rest = Arrays.stream(args).filter(a -> !a.equals("--debug")).toArray(String[]::new);
    Map<String, Command> commands = commands();
    if (rest.length == 0 || rest[0].equals("--help") || rest[0].equals("help")) {
      err.println(usage(commands));
      return rest.length == 0 ? USAGE : OK;
    }
    Command command = commands.get(rest[0]);
    if (command == null) {
      String closest = Suggest.closest(rest[0], commands.keySet());
      err.println(
          "error: unknown command '"
              + rest[0]
              + "'"
              + (closest == null ? "" : " (did you mean '" + closest + "'?)")
              + "; commands: "
              + String.join(", ", commands.keySet()));
      return USAGE;
    }
    if (!ENGINE_FREE.contains(rest[0])
        && !Arrays.asList(rest).contains("--help")
        && !Arrays.asList(rest).contains("-h")) {
      int ready = runReported(rest[0], new EngineReady(), new String[0], debug, err);
      if (ready != OK) {
        return ready;
      }
    }
    return runReported(rest[0], command, Arrays.copyOfRange(rest, 1, rest.length), debug, err);
  }

  /**
   * Runs one command and turns what escapes it into an exit code: every {@link Distill4jException}
   * kind (user input, data, numerical fault, damaged file) is its one-line message and code 2;
   * anything else is a failure described in words and code 1.
   */
  static int runReported(
      String name, Command command, String[] args, boolean debug, PrintStream err) {
    try {
      return command.run(args);
    } catch (Args.HelpRequested help) {
      err.println("distill4j " + name + ": " + command.summary());
      err.println(help.getMessage());
      return OK;
    } catch (Distill4jException e) {
      err.println("error: " + e.getMessage());
      if (debug) {
        e.printStackTrace(err);
      }
      return USAGE;
    } catch (Exception | OutOfMemoryError | StackOverflowError e) {
      // Not a reported failure, but still words: the class name and trace only with --debug.
      err.println("error: " + name + " failed: " + ErrorWords.describe(e));
      if (debug) {
        e.printStackTrace(err);
      } else {
        err.println("(run again with --debug for the stack trace)");
      }
      return FAILED;
    }
  }

  /** The engine check before a command, reported like the command's own failures. */
  private static final class EngineReady implements Command {
    @Override
    public int run(String[] args) {
      EngineCheck.ensureReady();
      return OK;
    }

    @Override
    public String summary() {
      return "engine check";
    }
  }

  private static String usage(Map<String, Command> commands) {
    StringBuilder sb =
        new StringBuilder("usage: distill4j <command> [flags]   (--debug shows stack traces)\n");
    commands.forEach((name, c) -> sb.append(String.format("  %-13s %s%n", name, c.summary())));
    return sb.toString().stripTrailing();
  }
}
