package org.distill4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Self and total host time per operator from a profiler trace's nested spans. */
class OpProfileTest {
  @TempDir Path tmp;

  private static String span(String name, int ts, int dur, int tid) {
    return String.format(
        "{\"name\": \"%s\", \"ph\": \"X\", \"ts\": %d, \"dur\": %d, \"tid\": %d}",
        name, ts, dur, tid);
  }

  @Test
  void selfTimeLeavesOutDirectChildrenOnTheSameThread() {
    // thread 1: conv [0,100) holds mkldnn [10,70) which holds two copies; add [100,110) after it.
    // thread 2: a conv [5,25) in parallel, not a child of anything on thread 1.
    JsonArray events =
        JsonParser.parseString(
                "["
                    + String.join(
                        ",",
                        span("aten::conv2d", 0, 100, 1),
                        span("aten::mkldnn_convolution", 10, 60, 1),
                        span("aten::copy_", 20, 10, 1),
                        span("aten::copy_", 40, 10, 1),
                        span("aten::add", 100, 10, 1),
                        span("aten::conv2d", 5, 20, 2))
                    + ", {\"name\": \"meta\", \"ph\": \"M\"}]")
            .getAsJsonArray();
    Map<String, OpProfile.Op> ops =
        OpProfile.of(events).ops().stream().collect(Collectors.toMap(OpProfile.Op::name, op -> op));
    assertEquals(4, ops.size());
    assertEquals(2, ops.get("aten::conv2d").calls());
    assertEquals(0.040 + 0.020, ops.get("aten::conv2d").selfMs(), 1e-9);
    assertEquals(0.120, ops.get("aten::conv2d").totalMs(), 1e-9);
    assertEquals(0.040, ops.get("aten::mkldnn_convolution").selfMs(), 1e-9);
    assertEquals(0.020, ops.get("aten::copy_").selfMs(), 1e-9);
    assertEquals(0.010, ops.get("aten::add").selfMs(), 1e-9);
    assertEquals(
        "aten::conv2d", OpProfile.of(events).ops().get(0).name(), "largest self time first");
  }

  @Test
  void tableIsPerStepAndSharesAddUp() throws Exception {
    Path trace = tmp.resolve("trace.json");
    Files.writeString(trace, "[" + span("a", 0, 3000, 1) + "," + span("b", 3000, 1000, 1) + "]");
    String table = OpProfile.read(trace).table(10, 2);
    List<String> lines = table.lines().toList();
    assertEquals(4, lines.size(), table);
    assertTrue(lines.get(1).matches("a\\s+0\\.5\\s+1\\.50\\s+75\\.0%"), table);
    assertTrue(lines.get(3).matches("all 2 operators\\s+1\\.0\\s+2\\.00\\s+100\\.0%"), table);
    Files.writeString(trace, "{\"not\": \"a trace\"}");
    assertThrows(IllegalStateException.class, () -> OpProfile.read(trace));
  }
}
