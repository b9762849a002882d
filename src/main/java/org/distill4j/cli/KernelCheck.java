package org.distill4j.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;
import org.distill4j.config.Amp;
import org.distill4j.distill.Connector;
import org.distill4j.distill.FrozenTeacher;
import org.distill4j.distill.TensorPair;
import org.distill4j.engine.Convolutions;
import org.distill4j.engine.KernelAudit;
import org.distill4j.engine.ScriptedOps;
import org.distill4j.models.SegmentationModel;
import org.distill4j.models.layers.AutocastConv2d;

/**
 * {@code check --kernels}: audits the convolutions a model makes for the config's input size and
 * batch against float64 on this machine ({@link KernelAudit}) and reports each wrong result in one
 * line.
 */
final class KernelCheck {
  /** Progress is printed every this many shapes. */
  private static final int PROGRESS_EVERY = 10;

  private KernelCheck() {}

  /**
   * Audits {@code model}'s convolutions on {@code device} in float32 and, with {@code amp} bf16, in
   * bfloat16 too: as training computes them for {@code input} (output and gradients), and as
   * inference does (output alone, no gradients recorded) for {@code input} (a frozen teacher) and
   * for one image of its size (evaluation). Prints the plan, progress and findings to {@code out}.
   *
   * @return the findings (none when all is right)
   */
  static List<KernelAudit.Finding> run(
      SegmentationModel model, Shape input, Amp amp, Device device, PrintStream out) {
    return run(model, input, amp, KernelAudit.builder().optDevice(device), device, out);
  }

  /**
   * {@link #run(SegmentationModel, Shape, Amp, Device, PrintStream)} with audits from {@code
   * audits} (its gradients option is set here).
   */
  static List<KernelAudit.Finding> run(
      SegmentationModel model,
      Shape input,
      Amp amp,
      KernelAudit.Builder audits,
      Device device,
      PrintStream out) {
    KernelAudit training = audits.optGradients(true).build();
    KernelAudit inference = audits.optGradients(false).build();
    Set<Convolutions.Call> trainingCalls = model.convolutionCalls(input);
    Shape oneImage = new Shape(1, input.get(1), input.get(2), input.get(3));
    Set<Convolutions.Call> inferenceCalls = new LinkedHashSet<>(trainingCalls);
    inferenceCalls.addAll(model.convolutionCalls(oneImage));
    List<Amp> precisions = precisions(amp);
    out.printf(
        Locale.ROOT,
        "# kernels: %d convolution shapes of %s for input %s as training computes them (output and"
            + " gradients) and %d as inference does (output alone, for %s too), in %s, on %s, %d"
            + " calls each, against float64 on the CPU%n",
        trainingCalls.size(),
        model.name(),
        input,
        inferenceCalls.size(),
        oneImage,
        inWhat(amp),
        device,
        training.calls());
    List<KernelAudit.Finding> findings =
        audit(
            List.of(
                new Group("", trainingCalls, training, precisions),
                new Group("", inferenceCalls, inference, precisions)),
            "# kernels: ",
            out);
    reportUnrecorded(model, "of this model", out);
    return findings;
  }

  /**
   * Audits what a distillation computes beyond the student's own convolutions: the frozen teacher's
   * forward pass (output alone) for {@code input}, the student's batch, in {@code teacherAmp}'s
   * precisions, and the convolutions of the distill section's connectors ({@code connectorCalls})
   * as training computes them, in {@code amp}'s. Each wrong result's line names its part ({@code
   * teacher:} or {@code connector:}).
   *
   * @return the findings (none when all is right)
   */
  static List<KernelAudit.Finding> runDistillation(
      SegmentationModel teacher,
      Amp teacherAmp,
      Set<Convolutions.Call> connectorCalls,
      Shape input,
      Amp amp,
      KernelAudit.Builder audits,
      Device device,
      PrintStream out) {
    KernelAudit training = audits.optGradients(true).build();
    KernelAudit inference = audits.optGradients(false).build();
    // As the frozen teacher computes them: its batch norms folded into its convolutions.
    Set<Convolutions.Call> teacherCalls =
        new FrozenTeacher(teacher, List.of(), teacherAmp).convolutionCalls(input);
    out.printf(
        Locale.ROOT,
        "# kernels, distillation: %d convolution shapes of the frozen teacher %s for input %s"
            + " (output alone), in %s, and %d of the distill section's connectors as training"
            + " computes them (output and gradients), in %s, on %s, %d calls each%n",
        teacherCalls.size(),
        teacher.name(),
        input,
        inWhat(teacherAmp),
        connectorCalls.size(),
        inWhat(amp),
        device,
        training.calls());
    List<KernelAudit.Finding> findings =
        audit(
            List.of(
                new Group("teacher: ", teacherCalls, inference, precisions(teacherAmp)),
                new Group("connector: ", connectorCalls, training, precisions(amp))),
            "# kernels, distillation: ",
            out);
    reportUnrecorded(teacher, "of the teacher", out);
    return findings;
  }

  /**
   * The convolutions of the connectors a distillation builds for {@code pairs} (the entries with a
   * connector), at {@code batch} images: each connector is built as distillation builds it and run
   * once on zeros, in a sub-manager of {@code manager} closed before returning.
   */
  static Set<Convolutions.Call> connectorCalls(
      List<TensorPair> pairs, long batch, NDManager manager) {
    Set<Convolutions.Call> calls = new LinkedHashSet<>();
    try (NDManager scratch = manager.newSubManager()) {
      for (TensorPair pair : pairs) {
        if (!pair.entry().hasConnector()) {
          continue;
        }
        Shape student = withBatch(pair.student(), batch);
        Connector connector = new Connector(student, withBatch(pair.teacher(), batch));
        connector.initialize(scratch, DataType.FLOAT32, student);
        NDArray zeros = scratch.zeros(student);
        calls.addAll(
            Convolutions.recordCalls(
                () ->
                    connector.forward(
                        new ParameterStore(scratch, false), new NDList(zeros), false)));
      }
    }
    return calls;
  }

  private static Shape withBatch(Shape shape, long batch) {
    long[] dims = shape.getShape();
    dims[0] = batch;
    return new Shape(dims);
  }

  /** Convolution calls audited one way, their wrong results' lines starting with {@code label}. */
  private record Group(
      String label, Set<Convolutions.Call> calls, KernelAudit audit, List<Amp> precisions) {}

  private static List<Amp> precisions(Amp amp) {
    return amp == Amp.BF16 ? List.of(Amp.NONE, Amp.BF16) : List.of(Amp.NONE);
  }

  private static String inWhat(Amp amp) {
    return amp == Amp.BF16 ? "float32 and bfloat16" : "float32";
  }

  /**
   * Audits each group in turn, printing progress, one {@code wrong:} line per wrong result, a
   * summary line starting with {@code prefix} and the bfloat16 shapes computed from float32.
   */
  private static List<KernelAudit.Finding> audit(
      List<Group> groups, String prefix, PrintStream out) {
    long t0 = System.nanoTime();
    int fallbacksBefore = fallbacks().size();
    int total = groups.stream().mapToInt(g -> g.calls().size()).sum();
    List<KernelAudit.Finding> findings = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    int before = 0;
    for (Group g : groups) {
      for (KernelAudit.Finding f :
          g.audit().audit(g.calls(), g.precisions(), progress(out, before, total, t0))) {
        findings.add(f);
        lines.add("wrong: " + g.label() + f.line());
      }
      before += g.calls().size();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    lines.forEach(out::println);
    List<String> summary = new ArrayList<>();
    summary.add(
        findings.isEmpty()
            ? "all right"
            : findings.size() + " result" + (findings.size() == 1 ? "" : "s") + " wrong");
    List<Convolutions.Call> fallbacks = fallbacks();
    fallbacks = fallbacks.subList(fallbacksBefore, fallbacks.size());
    if (!fallbacks.isEmpty()) {
      int n = fallbacks.size();
      summary.add(
          n
              + " bfloat16 shape"
              + (n == 1 ? " is" : "s are")
              + " computed from float32, libtorch's bfloat16 kernel being wrong for "
              + (n == 1 ? "it" : "them")
              + " on this CPU (as training does)");
    }
    out.printf(Locale.ROOT, "%s%s (%.1f s)%n", prefix, String.join("; ", summary), seconds);
    for (Convolutions.Call c : fallbacks) {
      out.println("#   bfloat16 from float32: " + c.describe());
    }
    return findings;
  }

  private static void reportUnrecorded(SegmentationModel model, String whose, PrintStream out) {
    int unrecorded = unrecordedConvolutions(model.block());
    if (unrecorded > 0) {
      out.printf(
          Locale.ROOT,
          "# kernels: %d convolution layer%s %s %s DJL's own Conv2d, not audited (build"
              + " %s with AutocastConv2d.autocastBuilder() to audit %s)%n",
          unrecorded,
          unrecorded == 1 ? "" : "s",
          whose,
          unrecorded == 1 ? "is" : "are",
          unrecorded == 1 ? "it" : "them",
          unrecorded == 1 ? "it" : "them");
    }
  }

  private static BiConsumer<Integer, Integer> progress(
      PrintStream out, int before, int total, long t0) {
    return (done, ignored) -> {
      int all = before + done;
      if (all % PROGRESS_EVERY == 0 && all < total) {
        out.printf(
            Locale.ROOT,
            "#   %d of %d shapes audited (%.1f s)%n",
            all,
            total,
            (System.nanoTime() - t0) / 1e9);
      }
    };
  }

  private static List<Convolutions.Call> fallbacks() {
    ScriptedOps ops = ScriptedOps.get();
    return ops == null ? List.of() : ops.bf16Fallbacks();
  }

  /** The one line that ends a check with wrong results: what it means and what to do. */
  static String advice(List<KernelAudit.Finding> wrong) {
    boolean float32 = wrong.stream().anyMatch(f -> f.precision() != Amp.BF16);
    return wrong.size()
        + " convolution result"
        + (wrong.size() == 1 ? " is" : "s are")
        + " wrong on this machine (the 'wrong:' lines above), so training this config here would"
        + " learn from wrong numbers without a sign; they come from libtorch's kernels for this"
        + " CPU or device (docs/reliability.md, \"Convolutions that libtorch gets wrong on one"
        + " CPU\"): "
        + (float32
            ? "train on another machine or a GPU (check --kernels --devices gpu:0 audits one)"
            : "train in float32 (amp: none), whose convolutions were right here, or on another"
                + " machine");
  }

  /**
   * How many of {@code model}'s convolution layers are DJL's own {@link Conv2d} rather than {@link
   * AutocastConv2d}: their calls are not recorded, so not audited (a model a user registered may
   * have them).
   */
  static int unrecordedConvolutions(Block block) {
    int n = block instanceof Conv2d && !(block instanceof AutocastConv2d) ? 1 : 0;
    for (Block child : block.getChildren().values()) {
      n += unrecordedConvolutions(child);
    }
    return n;
  }
}
