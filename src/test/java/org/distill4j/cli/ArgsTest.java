package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.distill4j.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArgsTest {
  private static final Set<String> SWITCHES = Set.of("do_eval", "use_vdl");
  private static final Set<String> OPTIONS = Set.of("config", "iters", "learning_rate");

  @Test
  void parsesSwitchesSpaceAndEqualsValues() {
    Args a =
        Args.parse(
            "train",
            new String[] {"--config", "a.yml", "--do_eval", "--iters=20", "extra"},
            SWITCHES,
            OPTIONS,
            "FILE");
    assertEquals("a.yml", a.require("config"));
    assertTrue(a.flag("do_eval"));
    assertFalse(a.flag("use_vdl"));
    assertEquals(20, a.optInt("iters"));
    assertNull(a.optDouble("learning_rate"));
    assertEquals(List.of("extra"), a.positional());
  }

  @Test
  void unknownFlagSuggestsTheClosestAndListsValidOnes() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Args.parse("train", new String[] {"--do_evl"}, SWITCHES, OPTIONS));
    assertTrue(e.getMessage().contains("unknown flag --do_evl"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean --do_eval"), e.getMessage());
    assertTrue(e.getMessage().contains("--learning_rate"), e.getMessage());
  }

  @Test
  void badNumbersAndMissingValuesAreOneLineErrors() {
    Args a = Args.parse("train", new String[] {"--iters", "ten"}, SWITCHES, OPTIONS);
    ConfigException e = assertThrows(ConfigException.class, () -> a.optInt("iters"));
    assertEquals("train: --iters expects an integer, got 'ten'", e.getMessage());
    ConfigException missing =
        assertThrows(
            ConfigException.class,
            () -> Args.parse("train", new String[] {"--config"}, SWITCHES, OPTIONS));
    assertEquals("train: --config needs a value", missing.getMessage());
    Args none = Args.parse("train", new String[0], SWITCHES, OPTIONS);
    assertEquals(
        "train: --config is required",
        assertThrows(ConfigException.class, () -> none.require("config")).getMessage());
  }

  @Test
  void unknownCommandExitsWithUsageCodeAndSuggestion() {
    var err = new java.io.ByteArrayOutputStream();
    int code = Main.run(new String[] {"trian"}, new java.io.PrintStream(err, true));
    assertEquals(Main.USAGE, code);
    assertTrue(err.toString().contains("did you mean 'train'"), err.toString());
  }

  @Test
  void helpListsTheCommandsFlagsAndSucceeds() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code =
        Main.run(new String[] {"make-dataset", "--help"}, new java.io.PrintStream(err, true));
    assertEquals(0, code);
    assertTrue(
        err.toString().contains("--out") && err.toString().contains("--width"), err.toString());
  }

  private static String error(String... argv) {
    return assertThrows(ConfigException.class, () -> Args.parse("train", argv, SWITCHES, OPTIONS))
        .getMessage();
  }

  @Test
  void aValueFlagFollowedByAFlagIsAnErrorNotTheValue() {
    assertEquals(
        "train: --config needs a value, got the flag --do_eval; write --config=--do_eval if that"
            + " is really the path",
        error("--config", "--do_eval"));
    // The same for a flag the command does not know, and for a single-dash option.
    assertEquals(
        "train: --iters needs a value, got the flag --nope; write --iters=--nope if that is really"
            + " the value",
        error("--iters", "--nope"));
    assertTrue(error("--config", "-x").contains("got the flag -x"), error("--config", "-x"));
  }

  @Test
  void valuesThatStartWithDashesNeedTheEqualsForm() {
    Args a =
        Args.parse(
            "train",
            new String[] {"--config=--odd", "--learning_rate", "-0.5", "--iters", "-"},
            SWITCHES,
            OPTIONS);
    assertEquals("--odd", a.require("config"));
    assertEquals(-0.5, a.optDouble("learning_rate"));
    assertEquals("-", a.get("iters", null));
    assertEquals("train: --config= has an empty value; give one", error("--config="));
  }

  @Test
  void switchesTakeNoValue() {
    String expected =
        "train: --do_eval is a switch and takes no value (got 'true'): give --do_eval to turn it"
            + " on, leave it out to keep it off";
    assertEquals(expected, error("--do_eval=true"));
    assertEquals(
        "train: unexpected 'false' after --do_eval, which is a switch and takes no value: give"
            + " --do_eval to turn it on, leave it out to keep it off",
        error("--config", "a.yml", "--do_eval", "false"));
    Args on = Args.parse("train", new String[] {"--do_eval"}, SWITCHES, OPTIONS);
    assertTrue(on.flag("do_eval"));
    assertFalse(Args.parse("train", new String[0], SWITCHES, OPTIONS).flag("do_eval"));
  }

  @Test
  void strayWordsAreErrorsUnlessTheCommandTakesPositionals() {
    assertEquals(
        "train: unexpected argument 'a.yml'; train takes only flags, each value after its flag"
            + " (--name value or --name=value)",
        error("a.yml"));
    assertEquals(
        "train: -do_eval is not a flag; flags start with two dashes (did you mean --do_eval?)",
        error("-do_eval"));
    // With positionals: a word after a switch is a positional, and -- ends the flags.
    Args a =
        Args.parse(
            "notebook",
            new String[] {"--do_eval", "a.ipynb", "--", "--b.ipynb"},
            SWITCHES,
            OPTIONS,
            "FILE.ipynb");
    assertTrue(a.flag("do_eval"));
    assertEquals(List.of("a.ipynb", "--b.ipynb"), a.positional());
  }

  @Test
  void everyCommandRefusesAFlagAsAValue() {
    java.util.Map<String, String> valueFlag =
        java.util.Map.of(
            "train", "save_dir",
            "distill", "save_dir",
            "eval", "model_path",
            "predict", "save_dir",
            "check", "config",
            "make-dataset", "out",
            "tutorial", "out",
            "bench", "student_config",
            "export", "save_dir");
    assertEquals(Main.commands().keySet(), valueFlag.keySet());
    valueFlag.forEach(
        (command, flag) -> {
          var err = new java.io.ByteArrayOutputStream();
          int code =
              Main.run(
                  new String[] {command, "--" + flag, "--help"},
                  new java.io.PrintStream(err, true));
          assertEquals(Main.USAGE, code, command + ": " + err);
          assertEquals(
              "error: "
                  + command
                  + ": --"
                  + flag
                  + " needs a value, got the flag --help; write --"
                  + flag
                  + "=--help if that is really the "
                  + (flag.equals("save_dir")
                          || flag.contains("config")
                          || flag.contains("model")
                          || flag.equals("out")
                      ? "path"
                      : "value"),
              err.toString().strip());
        });
  }

  @Test
  void trainWithAMissingSaveDirValueExitsTwoAndWritesNothing(@TempDir Path dir) throws IOException {
    Path config = dir.resolve("c.yml");
    Files.writeString(config, "batch_size: 2\niters: 1\n");
    var err = new java.io.ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"train", "--config", config.toString(), "--save_dir", "--do_eval"},
            new java.io.PrintStream(err, true));
    assertEquals(Main.USAGE, code);
    assertEquals(
        "error: train: --save_dir needs a value, got the flag --do_eval; write"
            + " --save_dir=--do_eval if that is really the path",
        err.toString().strip());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(config), files.toList());
    }
    assertFalse(Files.exists(Path.of("--do_eval")));
  }
}
