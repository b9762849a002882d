package org.distill4j.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.distill4j.eval.SegMetrics;
import org.distill4j.train.EvalLog;
import org.distill4j.train.IterationLog;
import org.junit.jupiter.api.Test;

class EvalProgressTest {
  private static final SegMetrics METRICS =
      SegMetrics.of(new long[] {90, 3}, new long[] {95, 5}, new long[] {93, 7});

  private static IterationLog iteration(int iter, double loss) {
    return new IterationLog(iter, 20, 1, Map.of("loss", loss), 0.01, 0.1, 0.0, 10, 1);
  }

  @Test
  void printsOneLinePerEvaluationWithTheLatestLossAndNoLinePerIteration() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EvalProgress progress = new EvalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    progress.onIteration(iteration(5, 0.9));
    progress.onIteration(iteration(10, 0.25));
    progress.onEvaluation(new EvalLog(10, METRICS, 8, METRICS.miou(), 10, 0.1));
    progress.onIteration(iteration(15, 0.2));
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(1, lines.length);
    // disc IoU = 3 / (5 + 7 - 3); mIoU is the mean of both classes.
    String expected =
        String.format(
            java.util.Locale.ROOT,
            "iter 10: train loss 0.2500, val mIoU %.4f, disc IoU 0.3333; best mIoU %.4f at iter 10;",
            METRICS.miou(),
            METRICS.miou());
    assertEquals(expected, lines[0].substring(0, expected.length()));
  }

  @Test
  void showsADashWhenNoLossWasLoggedBeforeTheEvaluation() {
    String line = EvalProgress.line(new EvalLog(2, METRICS, 8, 0.5, 1, 0.1), Double.NaN, 30);
    assertEquals(
        "iter 2: train loss -, val mIoU "
            + String.format(java.util.Locale.ROOT, "%.4f", METRICS.miou())
            + ", disc IoU 0.3333; best mIoU 0.5000 at iter 1; 0.5 min",
        line);
  }
}
