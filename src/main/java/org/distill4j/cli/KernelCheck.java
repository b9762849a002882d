package org.distill4j.cli;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;
import org.distill4j.config.Amp;
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
    List<Amp> precisions = amp == Amp.BF16 ? List.of(Amp.NONE, Amp.BF16) : List.of(Amp.NONE);
    String inWhat = amp == Amp.BF16 ? "float32 and bfloat16" : "float32";
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
        inWhat,
        device,
        training.calls());
    long t0 = System.nanoTime();
    int fallbacksBefore = fallbacks().size();
    int total = trainingCalls.size() + inferenceCalls.size();
    List<KernelAudit.Finding> findings =
        new ArrayList<>(training.audit(trainingCalls, precisions, progress(out, 0, total, t0)));
    findings.addAll(
        inference.audit(
            inferenceCalls, precisions, progress(out, trainingCalls.size(), total, t0)));
    double seconds = (System.nanoTime() - t0) / 1e9;
    int unrecorded = unrecordedConvolutions(model.block());
    if (unrecorded > 0) {
      out.printf(
          Locale.ROOT,
          "# kernels: %d convolution layer%s of this model %s DJL's own Conv2d, not audited (build"
              + " %s with AutocastConv2d.autocastBuilder() to audit %s)%n",
          unrecorded,
          unrecorded == 1 ? "" : "s",
          unrecorded == 1 ? "is" : "are",
          unrecorded == 1 ? "it" : "them",
          unrecorded == 1 ? "it" : "them");
    }
    for (KernelAudit.Finding f : findings) {
      out.println("wrong: " + f.line());
    }
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
    out.printf(Locale.ROOT, "# kernels: %s (%.1f s)%n", String.join("; ", summary), seconds);
    for (Convolutions.Call c : fallbacks) {
      out.println("#   bfloat16 from float32: " + c.describe());
    }
    return findings;
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
