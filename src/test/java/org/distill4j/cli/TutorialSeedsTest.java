package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.distill4j.config.ConfigException;
import org.junit.jupiter.api.Test;

/** {@code tutorial --seed/--seeds}: which seed trains the teacher and which the students. */
class TutorialSeedsTest {
  private static Args args(String... argv) {
    return Args.parse("tutorial", argv, Set.of(), Set.of("seed", "seeds"));
  }

  @Test
  void theTeacherTakesSeedElseTheFirstOfSeedsElseZero() {
    assertEquals(0, TutorialCommand.tutorialSeed(args()));
    assertEquals(7, TutorialCommand.tutorialSeed(args("--seed", "7")));
    assertEquals(3, TutorialCommand.tutorialSeed(args("--seeds", "3,4,5")));
    assertEquals(1, TutorialCommand.tutorialSeed(args("--seed", "1", "--seeds", "3,4,5")));
  }

  @Test
  void theStudentsTakeSeedsElseSeed() {
    assertEquals(List.of(3L, 4L, 5L), TutorialCommand.seeds(args("--seeds", "3, 4,5")));
    assertEquals(List.of(7L), TutorialCommand.seeds(args("--seed", "7")));
    assertEquals(List.of(0L), TutorialCommand.seeds(args()));
    ConfigException e =
        assertThrows(ConfigException.class, () -> TutorialCommand.seeds(args("--seeds", "3,x")));
    assertTrue(e.getMessage().contains("'x' is not an integer"), e.getMessage());
  }
}
