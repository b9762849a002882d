package org.distill4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SamplesTest {
  @Test
  void percentilesInterpolateBetweenRanksOfTheSortedValues() {
    // 1..11 shuffled: ranks 0..10, so p10 is rank 1 (2), the median rank 5 (6), p90 rank 9 (10).
    Samples s = Samples.of(List.of(7.0, 1.0, 11.0, 3.0, 9.0, 5.0, 2.0, 10.0, 4.0, 8.0, 6.0));
    assertEquals(new Samples(11, 6.0, 2.0, 10.0), s);
    // Two values: the median halfway, p10 a tenth of the way from the smaller.
    Samples two = Samples.of(List.of(30.0, 10.0));
    assertEquals(20.0, two.median(), 1e-12);
    assertEquals(12.0, two.p10(), 1e-12);
    assertEquals(28.0, two.p90(), 1e-12);
  }

  @Test
  void noSamplesIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> Samples.of(List.of()));
  }
}
