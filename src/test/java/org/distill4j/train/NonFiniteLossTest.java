package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A NaN or infinite loss term stops the step before backward, naming the term and iteration. */
class NonFiniteLossTest {
  @Test
  void nonFiniteTermIsNamedWithItsIteration() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> terms = new LinkedHashMap<>();
      terms.put("out_loss", manager.create(0.5f));
      terms.put("out_distill_loss", manager.create(Float.NaN));
      terms.put(TrainingObjective.TOTAL, manager.create(Float.NaN));
      NonFiniteLossException e =
          assertThrows(NonFiniteLossException.class, () -> SegTrainer.checkedValues(terms, 17));
      assertTrue(
          e.getMessage().startsWith("loss term 'out_distill_loss' is NaN at iteration 17"),
          e.getMessage());

      terms.put("out_distill_loss", manager.create(Float.POSITIVE_INFINITY));
      NonFiniteLossException inf =
          assertThrows(NonFiniteLossException.class, () -> SegTrainer.checkedValues(terms, 3));
      assertTrue(inf.getMessage().contains("'out_distill_loss' is Infinity at iteration 3"));

      terms.put("out_distill_loss", manager.create(0.25f));
      terms.put(TrainingObjective.TOTAL, manager.create(0.75f));
      assertEquals(0.25, SegTrainer.checkedValues(terms, 1).get("out_distill_loss"), 1e-7);
    }
  }
}
