package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.distill4j.config.ConfigException;
import org.junit.jupiter.api.Test;

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
            OPTIONS);
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
}
