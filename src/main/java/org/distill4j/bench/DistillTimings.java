package org.distill4j.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.distill.DistillEntry;
import org.distill4j.distill.DistillSetup;
import org.distill4j.distill.DistillSpec;
import org.distill4j.distill.StudentAdaptor;
import org.distill4j.distill.TeacherAdaptor;
import org.distill4j.distill.TeacherOutputCache;
import org.distill4j.losses.SegChannelwiseLoss;

/** The benchmark's distillation steps: KL alone, KL with feature terms, KL from a teacher cache. */
final class DistillTimings {
  /** The two decoder tensors the channel-wise measurement taps (equal shapes in both models). */
  static final List<String> FEATURE_TAPS =
      List.of("head.decoder.conv_bn_relu2", "head.decoder.conv_bn_relu3");

  private final StepTimer timer;
  private final Path workDir;
  private final Consumer<String> log;

  DistillTimings(StepTimer timer, Path workDir, Consumer<String> log) {
    this.timer = timer;
    this.workDir = workDir;
    this.log = log;
  }

  /** A distillation step with the config's own terms, or with {@code spec}'s when not null. */
  Samples distillStep(ResolvedConfig teacher, ResolvedConfig student, DistillSpec spec) {
    log.accept("timing a distillation step" + (spec == null ? "" : " with feature terms") + " ...");
    try (DistillSetup setup = DistillSetup.fromConfigs(teacher, student, spec, 0)) {
      return timer.timed(setup.trainer(timer.options()));
    }
  }

  /** KL on the logits plus the channel-wise loss on {@link #FEATURE_TAPS} of both models. */
  static DistillSpec featureSpec() {
    Map<String, String> taps =
        Map.of("hidden_0", FEATURE_TAPS.get(0), "hidden_1", FEATURE_TAPS.get(1));
    List<DistillEntry> entries = new ArrayList<>();
    for (int i = 0; i < FEATURE_TAPS.size(); i++) {
      entries.add(
          DistillEntry.builder()
              .setIndices(i, i)
              .setLoss(new SegChannelwiseLoss(4.0))
              .optWeight(0.02)
              .build());
    }
    return new DistillSpec(new StudentAdaptor(taps), new TeacherAdaptor(taps), entries);
  }

  /**
   * A KL distillation step reading the teacher's outputs from a {@link TeacherOutputCache} built
   * first in the work directory (its build time is reported too). Only warm-up steps are checked
   * against the teacher, so timed steps never run it. Empty, with the reason in the report's
   * context, when the check switched the cache off: the engine on this device did not compute a
   * batch bit for bit as it did when the cache was made (GPU convolutions may not), so no cached
   * step could be timed.
   */
  Optional<Samples> cachedDistillStep(
      ResolvedConfig teacher, ResolvedConfig student, BenchReport report) {
    log.accept("timing a distillation step with the teacher cache ...");
    try (DistillSetup setup = DistillSetup.fromConfigs(teacher, student, null, 0)) {
      long start = System.nanoTime();
      setup.useTeacherCache(
          workDir.resolve("teacher_cache"),
          Math.min(TeacherOutputCache.DEFAULT_VERIFY_BATCHES, timer.warmup()),
          log);
      report.value("teacher cache build s", (System.nanoTime() - start) / 1e9);
      Samples ms = timer.timed(setup.trainer(timer.options()));
      TeacherOutputCache cache = setup.teacherCache().orElseThrow();
      log.accept(cache.summary());
      return usable(cache.teacherBatches(), cache.summary(), ms, report);
    }
  }

  /**
   * The timings when no batch needed the teacher (every timed step read the cache); else empty, and
   * the report's context says why, in the cache's own summary.
   */
  static Optional<Samples> usable(
      long teacherBatches, String cacheSummary, Samples ms, BenchReport report) {
    if (teacherBatches > 0) {
      report.context("teacher cache", "switched off by its check, not timed: " + cacheSummary);
      return Optional.empty();
    }
    return Optional.of(ms);
  }
}
