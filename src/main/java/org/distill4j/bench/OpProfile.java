package org.distill4j.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the host time of profiled steps went, per operator: read from the Chrome trace that
 * libtorch's profiler writes (DJL's {@code JniUtils.stopProfile}), whose events are complete spans
 * ({@code ts}, {@code dur} in microseconds, per thread) nested inside one another. An operator's
 * self time is its span minus the spans directly inside it on the same thread, so the self times
 * add up to the time the threads spent inside any operator, without double counting.
 *
 * <p>On a GPU the spans are the host's side only (dispatch and kernel launch), which is what shows
 * whether a step is bound by the host.
 */
public final class OpProfile {
  /** One operator's totals over the profiled steps. */
  public record Op(String name, long calls, double selfMs, double totalMs) {}

  private final List<Op> ops;
  private final double selfMsSum;

  private OpProfile(List<Op> ops) {
    this.ops = ops;
    this.selfMsSum = ops.stream().mapToDouble(Op::selfMs).sum();
  }

  /** Reads a trace file; one line of error for anything that is not a profiler trace. */
  public static OpProfile read(Path trace) {
    JsonElement root;
    try (Reader in = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
      root = JsonParser.parseReader(in);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(trace + ": not a readable profiler trace: " + e.getMessage());
    }
    JsonArray events =
        root.isJsonArray()
            ? root.getAsJsonArray()
            : root.getAsJsonObject().getAsJsonArray("traceEvents");
    if (events == null) {
      throw new IllegalStateException(trace + ": no trace events");
    }
    return of(events);
  }

  static OpProfile of(JsonArray events) {
    Map<String, List<Span>> byThread = new HashMap<>();
    for (JsonElement e : events) {
      JsonObject o = e.getAsJsonObject();
      if (o.has("dur") && "X".equals(o.get("ph").getAsString())) {
        String tid = o.has("tid") ? o.get("tid").getAsString() : "";
        byThread
            .computeIfAbsent(tid, k -> new ArrayList<>())
            .add(
                new Span(
                    o.get("name").getAsString(),
                    o.get("ts").getAsDouble(),
                    o.get("dur").getAsDouble()));
      }
    }
    Map<String, double[]> totals = new HashMap<>(); // name -> {calls, self us, total us}
    for (List<Span> spans : byThread.values()) {
      // Parents first: earlier start, and the longer span when two start together.
      spans.sort(Comparator.comparingDouble(Span::ts).thenComparing(s -> -s.dur()));
      Deque<Span> open = new ArrayDeque<>();
      Map<Span, Double> childTime = new IdentityHashMap<>(); // equal spans are still two calls
      for (Span s : spans) {
        while (!open.isEmpty() && open.peek().end() <= s.ts()) {
          open.pop();
        }
        if (!open.isEmpty()) {
          childTime.merge(open.peek(), s.dur(), Double::sum);
        }
        open.push(s);
      }
      for (Span s : spans) {
        double[] t = totals.computeIfAbsent(s.name(), k -> new double[3]);
        t[0]++;
        t[1] += Math.max(0, s.dur() - childTime.getOrDefault(s, 0.0));
        t[2] += s.dur();
      }
    }
    List<Op> ops = new ArrayList<>();
    totals.forEach((name, t) -> ops.add(new Op(name, (long) t[0], t[1] / 1000, t[2] / 1000)));
    ops.sort(Comparator.comparingDouble(Op::selfMs).reversed().thenComparing(Op::name));
    return new OpProfile(ops);
  }

  /** Every operator, the largest self time first. */
  public List<Op> ops() {
    return ops;
  }

  /** The table of the {@code top} largest self times, per step, with their share. */
  public String table(int top, int steps) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%-40s %10s %12s %7s%n",
            "operator (host self time)",
            "calls/step",
            "ms/step",
            "share"));
    for (Op op : ops.subList(0, Math.min(top, ops.size()))) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-40s %10.1f %12.2f %6.1f%%%n",
              op.name(),
              op.calls() / (double) steps,
              op.selfMs() / steps,
              100 * op.selfMs() / selfMsSum));
    }
    long calls = ops.stream().mapToLong(Op::calls).sum();
    out.append(
        String.format(
            Locale.ROOT,
            "%-40s %10.1f %12.2f %6.1f%%%n",
            "all " + ops.size() + " operators",
            calls / (double) steps,
            selfMsSum / steps,
            100.0));
    return out.toString();
  }

  private record Span(String name, double ts, double dur) {
    double end() {
      return ts + dur;
    }
  }
}
