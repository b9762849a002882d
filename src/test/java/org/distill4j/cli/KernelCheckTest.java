package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.distill4j.config.Amp;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.SegConfig;
import org.distill4j.distill.DistillEntry;
import org.distill4j.distill.TensorPair;
import org.distill4j.engine.Convolutions;
import org.distill4j.engine.KernelAudit;
import org.distill4j.engine.ScriptedOps.ConvGeometry;
import org.distill4j.losses.HintLoss;
import org.distill4j.models.Models;
import org.distill4j.models.SegmentationModel;
import org.distill4j.models.layers.AutocastConv2d;
import org.distill4j.testing.Bf16Cpus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check --kernels}: the audit of a config's convolutions, from the command line. */
class KernelCheckTest {
  private static final String STUDENT =
      Path.of("configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml")
          .toAbsolutePath()
          .toString();
  private static final String TEACHER =
      Path.of("configs/smoke/deeplabv3p_resnet50_os8_optic_disc_smoke_teacher.yml")
          .toAbsolutePath()
          .toString();

  @TempDir static Path tmp;

  @BeforeAll
  static void engine() {
    Engine.getInstance();
  }

  private static String[] check(String... flags) {
    String[] args = new String[3 + flags.length];
    args[0] = "check";
    args[1] = "--config";
    args[2] = STUDENT;
    System.arraycopy(flags, 0, args, 3, flags.length);
    return CapturedRuns.run(args);
  }

  @Test
  void theSmokeStudentsConvolutionsAreAuditedAtItsBatchAndSize() {
    String[] r = check("--kernels");
    assertEquals("0", r[0], r[2]);
    assertTrue(
        r[1].contains(
            "convolution shapes of DeepLabV3P-ResNet18_vd for input (2, 3, 64, 64) as training"
                + " computes them (output and gradients) and"),
        r[1]);
    assertTrue(
        r[1].contains(
            "as inference does (output alone, for (1, 3, 64, 64) too), in float32, on"
                + " cpu(), 3 calls each"),
        r[1]);
    assertTrue(r[1].contains("# kernels: all right"), r[1]);
    assertFalse(r[1].contains("wrong:"), r[1]);
    // The smoke student distils (distill_loss): without the teacher's config, say what is left.
    assertTrue(
        r[1].contains(
            "# kernels: a distillation's frozen teacher and connectors are not audited; add"
                + " --teacher_config T.yml"),
        r[1]);
  }

  @Test
  void withTheTeachersConfigTheFrozenTeacherAndTheConnectorsAreAuditedToo() throws Exception {
    Path student = tmp.resolve("student_with_connector.yml");
    java.nio.file.Files.writeString(
        student,
        "_base_: '"
            + STUDENT
            + "'\n"
            + "distill:\n"
            + "  student_adaptor: {hidden_0: backbone.stage3}\n"
            + "  teacher_adaptor: {hidden_0: backbone.stage3}\n"
            + "  entries:\n"
            + "    - {s_feature_idx: 0, t_feature_idx: 0, loss_function: L1Loss, connector: true}\n");
    String[] r =
        CapturedRuns.run(
            "check",
            "--config",
            student.toString(),
            "--kernels",
            "--teacher_config",
            TEACHER,
            "--batch_size",
            "1");
    assertEquals("0", r[0], r[2]);
    assertTrue(
        r[1].matches(
            "(?s).*# kernels, distillation: [1-9]\\d* convolution shapes of the frozen teacher"
                + " DeepLabV3P-ResNet50_vd for input \\(1, 3, 64, 64\\) \\(output alone\\), in"
                + " float32, and 1 of the distill section's connectors as training computes them"
                + " \\(output and gradients\\), in float32, on cpu\\(\\), 3 calls each.*"),
        r[1]);
    assertTrue(r[1].contains("# kernels, distillation: all right"), r[1]);
    assertFalse(r[1].contains("not audited; add --teacher_config"), r[1]);
  }

  @Test
  void connectorsAreRecordedAtTheBatchWithTheirInputGradient() {
    DistillEntry withConnector =
        DistillEntry.builder().setLoss(new HintLoss()).optConnector(true).build();
    DistillEntry sameShape = DistillEntry.builder().setLoss(new HintLoss()).build();
    List<TensorPair> pairs =
        List.of(
            new TensorPair(withConnector, "a", new Shape(1, 16, 8, 8), "b", new Shape(1, 32, 4, 4)),
            new TensorPair(sameShape, "c", new Shape(1, 16, 8, 8), "d", new Shape(1, 16, 8, 8)),
            new TensorPair(
                withConnector, "e", new Shape(1, 48, 2, 2), "f", new Shape(1, 48, 4, 4)));
    try (NDManager manager = NDManager.newBaseManager()) {
      List<Convolutions.Call> calls = List.copyOf(KernelCheck.connectorCalls(pairs, 3, manager));
      // One projection (16 -> 32 channels); equal channel counts need none, nor equal shapes.
      assertEquals(1, calls.size(), calls.toString());
      Convolutions.Call call = calls.get(0);
      assertEquals(new Shape(3, 16, 8, 8), call.input());
      assertEquals(new Shape(32, 16, 1, 1), call.kernel());
      assertTrue(call.inputGradient(), "a connector's input is a student tensor: " + call);
      assertEquals(0, manager.getManagedArrays().size(), "scratch arrays are closed");
    }
  }

  @Test
  void theDistillationsWrongResultsNameTheirPart() {
    Bf16Cpus.assumeBf16RunsHere();
    try (NDManager manager = NDManager.newBaseManager()) {
      SegmentationModel teacher = smokeTeacher(manager);
      Convolutions.Call connector = CONNECTOR_CALL;
      // Wrong for the teacher's classifier (2 outputs) and the connector's 24 outputs.
      Audited all = auditDistillation(teacher, connector, Amp.NONE, false);
      String text = all.text();
      // The teacher's output (no gradients there); the connector's output and both gradients,
      // its input's included (doubling the output doubles what flows back).
      assertEquals(4, all.wrong().size(), text);
      assertTrue(
          text.contains(
              "wrong: teacher: float32 convolution 2x256x8x8 * 2x256x1x1 + bias, stride 1, padding"
                  + " 0 (no gradients recorded): output off by 100% of its largest value"),
          text);
      assertTrue(
          text.contains(
              "wrong: connector: float32 convolution 2x16x4x4 * 24x16x1x1, stride 1, padding 0:"
                  + " output off by 100% of its largest value"),
          text);
      assertTrue(
          text.contains(
              "wrong: connector: float32 convolution 2x16x4x4 * 24x16x1x1, stride 1, padding 0:"
                  + " input gradient off by 100%"),
          text);
      assertTrue(text.contains("# kernels, distillation: 4 results wrong"), text);

      // teacher_amp bf16 with a float32 student: the teacher is audited in bfloat16 as well, the
      // connector in float32 only, so a kernel wrong only in bfloat16 shows for the teacher alone.
      Audited bf16Only = auditDistillation(teacher, connector, Amp.BF16, true);
      String bf16Text = bf16Only.text();
      assertEquals(1, bf16Only.wrong().size(), bf16Text);
      assertTrue(
          bf16Text.contains("wrong: teacher: bfloat16 convolution 2x256x8x8 * 2x256x1x1"),
          bf16Text);
      assertTrue(
          bf16Text.contains(
              "(output alone), in float32 and bfloat16, and 1 of the distill section's connectors"
                  + " as training computes them (output and gradients), in float32,"),
          bf16Text);
    }
  }

  /** The teacher computes each convolution with its batch norm folded in, so with a bias. */
  @Test
  void theTeacherIsAuditedWithItsBatchNormsFolded() {
    try (NDManager manager = NDManager.newBaseManager()) {
      SegmentationModel teacher = smokeTeacher(manager);
      Convolutions.Call connector = CONNECTOR_CALL;
      List<Boolean> teacherBiases = new java.util.ArrayList<>();
      KernelAudit.Builder noting =
          KernelAudit.builder()
              .optCalls(1)
              .optPath(
                  (x, w, b, g, bf16) -> {
                    if (w.getShape().get(0) != 24) {
                      teacherBiases.add(b != null);
                    }
                    return Convolutions.conv2d(x, w, b, g, bf16);
                  });
      KernelCheck.runDistillation(
          teacher,
          Amp.NONE,
          java.util.Set.of(connector),
          new Shape(2, 3, 32, 32),
          Amp.NONE,
          noting,
          Device.cpu(),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertFalse(teacherBiases.isEmpty());
      assertFalse(teacherBiases.contains(false), "every teacher convolution with a bias");
    }
  }

  /** A connector's 1x1 convolution from 16 to 24 channels at 4x4, batch 2, input gradient. */
  private static final Convolutions.Call CONNECTOR_CALL =
      new Convolutions.Call(
          new Shape(2, 16, 4, 4),
          new Shape(24, 16, 1, 1),
          false,
          new ConvGeometry(1, 1, 0, 0, 1, 1, 1),
          true);

  private static SegmentationModel smokeTeacher(NDManager manager) {
    SegmentationModel teacher =
        Models.registry().build(new SegConfig(ConfigLoader.load(Path.of(TEACHER)).root()).model());
    teacher.initialize(manager, Models.PARAMETER_SHAPE);
    return teacher;
  }

  private record Audited(List<KernelAudit.Finding> wrong, String text) {}

  /**
   * {@link KernelCheck#runDistillation} of {@code teacher} at 2x3x32x32 and {@code connector} (a
   * float32 student), one call each, through a path that doubles the outputs of convolutions with 2
   * or 24 output channels (in bfloat16 only with {@code onlyBf16}).
   */
  private static Audited auditDistillation(
      SegmentationModel teacher, Convolutions.Call connector, Amp teacherAmp, boolean onlyBf16) {
    KernelAudit.Builder broken =
        KernelAudit.builder()
            .optCalls(1)
            .optPath(
                (x, w, b, g, bf16) -> {
                  long outputs = w.getShape().get(0);
                  boolean wrong = (bf16 || !onlyBf16) && (outputs == 2 || outputs == 24);
                  return Convolutions.conv2d(x, w, b, g, bf16).mul(wrong ? 2f : 1f);
                });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<KernelAudit.Finding> wrong =
        KernelCheck.runDistillation(
            teacher,
            teacherAmp,
            java.util.Set.of(connector),
            new Shape(2, 3, 32, 32),
            Amp.NONE,
            broken,
            Device.cpu(),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    return new Audited(wrong, out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void ampBf16AuditsBothPrecisions() {
    Bf16Cpus.assumeBf16RunsHere();
    String[] r = check("--kernels", "--amp", "bf16", "--batch_size", "1");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("for input (1, 3, 64, 64) as training computes them"), r[1]);
    assertTrue(r[1].contains("in float32 and bfloat16, on cpu()"), r[1]);
    assertTrue(r[1].contains("# kernels: all right"), r[1]);
  }

  @Test
  void withoutTheFlagNothingIsAudited() {
    String[] r = check();
    assertEquals("0", r[0], r[2]);
    assertFalse(r[1].contains("# kernels"), r[1]);
  }

  @Test
  void wrongResultsArePrintedOneLineEachWithTrainingAndInferenceApart() {
    try (NDManager manager = NDManager.newBaseManager()) {
      SegConfig seg = new SegConfig(ConfigLoader.load(Path.of(STUDENT)).root());
      SegmentationModel model = Models.registry().build(seg.model());
      model.initialize(manager, Models.PARAMETER_SHAPE);
      // The classifier (2 output channels) is wrong for one image only: evaluation's shape.
      KernelAudit.Builder broken =
          KernelAudit.builder()
              .optCalls(1)
              .optPath(
                  (x, w, b, g, bf16) ->
                      Convolutions.conv2d(x, w, b, g, bf16)
                          .mul(w.getShape().get(0) == 2 && x.getShape().get(0) == 1 ? 2f : 1f));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      List<KernelAudit.Finding> wrong =
          KernelCheck.run(
              model,
              new Shape(2, 3, 32, 32),
              Amp.NONE,
              broken,
              Device.cpu(),
              new PrintStream(out, true, StandardCharsets.UTF_8));
      String text = out.toString(StandardCharsets.UTF_8);
      assertTrue(
          text.matches(
              "(?s).*# kernels: (\\d+) convolution shapes of DeepLabV3P-ResNet18_vd for input \\(2,"
                  + " 3, 32, 32\\) as training computes them \\(output and gradients\\) and (\\d+)"
                  + " as inference does \\(output alone, for \\(1, 3, 32, 32\\) too\\), in"
                  + " float32, on cpu\\(\\), 1 calls each.*"),
          text);
      assertEquals(1, wrong.size(), text);
      assertEquals(
          1, text.lines().filter(l -> l.startsWith("wrong: ")).count(), "one line each: " + text);
      assertTrue(
          text.contains(
              "wrong: float32 convolution 1x256x8x8 * 2x256x1x1 + bias, stride 1, padding 0 (no"
                  + " gradients recorded): output off by 100% of its largest value in 1 of 1"
                  + " calls"),
          text);
      assertTrue(text.contains("# kernels: 1 result wrong"), text);
    }
  }

  @Test
  void theAdviceSaysWhatToChange() {
    Convolutions.Call call =
        new Convolutions.Call(
            new Shape(1, 16, 8, 8),
            new Shape(7, 16, 3, 3),
            false,
            new ConvGeometry(1, 1, 1, 1, 1, 1, 1),
            true);
    KernelAudit.Finding float32 =
        new KernelAudit.Finding(call, Amp.NONE, true, "input gradient", 0.3, 1e-3, 1, 3);
    KernelAudit.Finding bf16 =
        new KernelAudit.Finding(call, Amp.BF16, true, "output", 0.3, 0.02, 3, 3);
    String one = KernelCheck.advice(List.of(float32));
    assertTrue(one.startsWith("1 convolution result is wrong on this machine"), one);
    assertTrue(one.contains("another machine or a GPU"), one);
    String bf16Only = KernelCheck.advice(List.of(bf16, bf16));
    assertTrue(bf16Only.startsWith("2 convolution results are wrong"), bf16Only);
    assertTrue(bf16Only.contains("amp: none"), bf16Only);
    assertTrue(KernelCheck.advice(List.of(bf16, float32)).contains("a GPU"));
  }

  @Test
  void djlsOwnConvolutionsAreCountedAsNotAudited() {
    SequentialBlock block = new SequentialBlock();
    block.add(Conv2d.builder().setFilters(4).setKernelShape(new Shape(3, 3)).build());
    block.add(
        AutocastConv2d.autocastBuilder().setFilters(4).setKernelShape(new Shape(3, 3)).build());
    SequentialBlock inner = new SequentialBlock();
    inner.add(Conv2d.builder().setFilters(2).setKernelShape(new Shape(1, 1)).build());
    block.add(inner);
    assertEquals(2, KernelCheck.unrecordedConvolutions(block));
  }
}
