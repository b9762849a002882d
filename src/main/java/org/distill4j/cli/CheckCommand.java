package org.distill4j.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.distill4j.config.Amp;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.config.SegConfig;
import org.distill4j.data.SegDataset;
import org.distill4j.distill.DistillSetup;
import org.distill4j.distill.DistillSpec;
import org.distill4j.distill.TensorPair;
import org.distill4j.engine.Autocast;
import org.distill4j.engine.KernelAudit;
import org.distill4j.models.Models;
import org.distill4j.models.SegmentationModel;

/**
 * {@code check}: resolves and validates a config, scans the data when it exists, builds the model
 * and prints its parameter count and tap paths with their shapes; nothing is trained.
 */
final class CheckCommand implements Main.Command {
  @Override
  public String summary() {
    return "validate a config and its data, build the model, print its summary (--config FILE)";
  }

  @Override
  public int run(String[] argv) {
    Args args =
        Args.parse(
            "check",
            argv,
            Set.of("kernels"),
            Set.of(
                "config",
                "iters",
                "batch_size",
                "learning_rate",
                "amp",
                "devices",
                "teacher_config",
                "teather_config"));
    ResolvedConfig config = ConfigFlags.load(args, "config");
    // As distill does, the original script's spelling --teather_config is accepted too.
    Optional<ResolvedConfig> teacherConfig =
        args.has("teacher_config") || args.has("teather_config")
            ? Optional.of(
                ConfigLoader.load(
                    args.path(args.has("teacher_config") ? "teacher_config" : "teather_config")))
            : Optional.empty();
    SegConfig seg = new SegConfig(config.root());
    System.out.println(
        "# resolved config ("
            + String.join(" <- ", config.files().stream().map(Path::toString).toList())
            + ")");
    System.out.println(config.toYaml());
    // Validate every component that can be built without data before touching the data.
    seg.iters();
    seg.batchSize();
    // bf16 is refused, or warned about, on this machine's CPU as a run of the config would be.
    if (seg.amp() == Amp.BF16 || seg.teacherAmp() == Amp.BF16) {
      Device[] devices = TrainCommand.devices(args, config);
      Autocast.requireUsable("amp", seg.amp(), devices)
          .ifPresent(w -> System.out.println("# warning: " + w));
      Autocast.requireUsable("teacher_amp", seg.teacherAmp(), devices)
          .ifPresent(w -> System.out.println("# warning: " + w));
    }
    org.distill4j.losses.LossMix.fromConfig(seg.loss(), org.distill4j.losses.Losses.registry());
    org.distill4j.train.optim.Optimizers.build(seg.optimizer()).close();
    org.distill4j.train.optim.Schedules.build(seg.lrScheduler(), seg.iters());
    // The distillation parts of a student config, as distill would build them.
    seg.distillLoss()
        .ifPresent(
            s ->
                org.distill4j.losses.DistillLossMix.fromConfig(
                    s, org.distill4j.losses.Losses.distillRegistry()));
    Optional<DistillSpec> spec =
        seg.distill()
            .map(s -> DistillSpec.fromConfig(s, org.distill4j.losses.Losses.featureRegistry()));
    checkData("train_dataset", Optional.of(seg.trainDataset()), "train", seg);
    checkData("val_dataset", seg.valDataset(), "val", seg);
    try (NDManager manager = NDManager.newBaseManager()) {
      SegmentationModel model = Models.registry().build(seg.model());
      model.initialize(manager, Models.PARAMETER_SHAPE);
      // The student side of a distill: section must name taps this model has.
      spec.ifPresent(d -> d.studentAdaptor().checkAgainst(model));
      int[] size = inputSize(seg);
      Shape input = new Shape(1, 3, size[1], size[0]);
      System.out.printf(
          Locale.ROOT,
          "# model: %s, %,d trainable parameters%n",
          model.name(),
          model.parameterCount());
      System.out.println("# tap paths and output shapes for input " + input);
      for (Map.Entry<String, Shape> e : model.tapShapes(input).entrySet()) {
        System.out.printf(Locale.ROOT, "  %-40s %s%n", e.getKey(), e.getValue());
      }
      // With the teacher's config, the distillation is checked as distill would check it: class
      // counts, the teacher's tap paths, and the shapes each entry compares.
      Optional<SegmentationModel> teacher = teacherConfig.map(t -> teacherModel(t, manager));
      List<TensorPair> pairs = List.of();
      if (teacher.isPresent()) {
        DistillSetup.checkClasses(
            teacher.get().numClasses(), model.numClasses(), teacherConfig.get(), config);
        spec.ifPresent(d -> d.teacherAdaptor().checkAgainst(teacher.get()));
        pairs = TensorPair.of(spec.orElse(DistillSpec.none()), model, teacher.get(), input);
        System.out.printf(
            Locale.ROOT,
            "# teacher: %s (%s), %,d parameters; %d distill entr%s, %d with a connector%n",
            teacher.get().name(),
            teacherConfig.get().source(),
            teacher.get().parameterCount(),
            pairs.size(),
            pairs.size() == 1 ? "y" : "ies",
            pairs.stream().filter(p -> p.entry().hasConnector()).count());
      }
      if (args.has("kernels")) {
        Device device = TrainCommand.devices(args, config)[0];
        Shape batch = new Shape(seg.batchSize(), 3, size[1], size[0]);
        List<KernelAudit.Finding> wrong =
            new ArrayList<>(KernelCheck.run(model, batch, seg.amp(), device, System.out));
        if (teacher.isPresent()) {
          wrong.addAll(
              KernelCheck.runDistillation(
                  teacher.get(),
                  seg.teacherAmp(),
                  KernelCheck.connectorCalls(pairs, seg.batchSize(), manager),
                  batch,
                  seg.amp(),
                  KernelAudit.builder().optDevice(device),
                  device,
                  System.out));
        } else if (seg.distill().isPresent() || seg.distillLoss().isPresent()) {
          System.out.println(
              "# kernels: a distillation's frozen teacher and connectors are not audited; add"
                  + " --teacher_config T.yml (the teacher's config) to audit them too");
        }
        if (!wrong.isEmpty()) {
          System.err.println("error: " + KernelCheck.advice(wrong));
          return Main.FAILED;
        }
      }
    }
    System.out.println("# check passed");
    return Main.OK;
  }

  /** The teacher's model, built from its config with initial weights (only shapes are needed). */
  private static SegmentationModel teacherModel(ResolvedConfig teacherConfig, NDManager manager) {
    SegmentationModel teacher =
        Models.registry().build(new SegConfig(teacherConfig.root()).model());
    teacher.initialize(manager, Models.PARAMETER_SHAPE);
    return teacher;
  }

  private static void checkData(
      String key, Optional<ConfigMap> section, String mode, SegConfig seg) {
    if (section.isEmpty()) {
      System.out.println("# " + key + ": not configured");
      return;
    }
    String root = section.get().optString("dataset_root", "data/optic_disc_seg");
    if (!Files.isDirectory(Path.of(root))) {
      System.out.println(
          "# "
              + key
              + ": dataset_root "
              + root
              + " does not exist; data not checked (train, distill and eval download PaddleSeg's"
              + " optic-disc set there for an OpticDiscSeg dataset; bin/distill4j make-dataset --out "
              + root
              + " generates a synthetic set)");
      return;
    }
    long t0 = System.nanoTime();
    SegDataset ds = DataCheck.check(section.get(), mode);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if ("train".equals(mode) && ds.size() < seg.batchSize()) {
      throw seg.root()
          .error(
              "batch_size",
              seg.batchSize()
                  + " is larger than the "
                  + ds.size()
                  + " training images; lower it to at most "
                  + ds.size());
    }
    if (ds.numClasses() != seg.numClasses()) {
      throw section
          .get()
          .error(
              "num_classes",
              "the dataset has "
                  + ds.numClasses()
                  + " classes but model.num_classes is "
                  + seg.numClasses());
    }
    System.out.printf(
        Locale.ROOT,
        "# %s: %d images in %s, all readable, labels in [0, %d) or %d (data checked in %.2f s)%n",
        key,
        ds.size(),
        root,
        ds.numClasses(),
        ds.ignoreIndex(),
        seconds);
  }

  /** The (width, height) the model sees: the val Resize target, else the train one, else 512. */
  static int[] inputSize(SegConfig seg) {
    for (Optional<ConfigMap> section :
        java.util.List.of(seg.valDataset(), Optional.of(seg.trainDataset()))) {
      if (section.isEmpty()) {
        continue;
      }
      for (ConfigMap t : section.get().optMapList("transforms")) {
        if ("Resize".equals(t.optString("type", "")) && t.has("target_size")) {
          return t.getIntPair("target_size");
        }
      }
    }
    return new int[] {512, 512};
  }
}
