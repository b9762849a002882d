package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.distill4j.config.Amp;
import org.distill4j.engine.ScriptedOps.ConvGeometry;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelAudit} finds a convolution that computes wrong numbers (a path made wrong on
 * purpose: in its output, in one gradient, in one precision, at one call) and finds nothing in
 * distill4j's own path for shapes of the tutorial's kind.
 */
class KernelAuditTest {
  private static final ConvGeometry SAME_3X3 = new ConvGeometry(1, 1, 1, 1, 1, 1, 1);

  /** 2x16x8x8 * 16x16x3x3 + bias, its input gradient asked for. */
  private static final Convolutions.Call PLAIN =
      new Convolutions.Call(new Shape(2, 16, 8, 8), new Shape(16, 16, 3, 3), true, SAME_3X3, true);

  private static List<String> parts(List<KernelAudit.Finding> findings, Amp precision) {
    List<String> parts = new ArrayList<>();
    for (KernelAudit.Finding f : findings) {
      if (f.precision() == precision) {
        parts.add(f.part());
      }
    }
    return parts;
  }

  @Test
  void distill4jsConvolutionsOfTheTutorialsKindAreRight() {
    List<Convolutions.Call> calls =
        List.of(
            // a first layer: 3 channels, stride 2, no input gradient
            new Convolutions.Call(
                new Shape(2, 3, 16, 16),
                new Shape(32, 3, 3, 3),
                false,
                new ConvGeometry(2, 2, 1, 1, 1, 1, 1),
                false),
            PLAIN,
            // dilation 8 on 32x32: computed on the input's phases in float32
            new Convolutions.Call(
                new Shape(1, 16, 32, 32),
                new Shape(16, 16, 3, 3),
                false,
                new ConvGeometry(1, 1, 8, 8, 8, 8, 1),
                true));
    List<KernelAudit.Finding> findings =
        KernelAudit.builder().build().audit(calls, List.of(Amp.NONE, Amp.BF16), (a, b) -> {});
    assertEquals(List.of(), findings);
  }

  @Test
  void aMissingInputGradientIsFoundAndNothingElse() {
    KernelAudit audit =
        KernelAudit.builder()
            .optPath((x, w, b, g, bf16) -> Convolutions.conv2d(x.stopGradient(), w, b, g, bf16))
            .build();
    List<KernelAudit.Finding> findings = audit.audit(PLAIN, List.of(Amp.NONE));
    assertEquals(List.of("input gradient"), parts(findings, Amp.NONE));
    KernelAudit.Finding f = findings.get(0);
    assertEquals(3, f.wrongCalls());
    assertEquals(3, f.calls());
    assertTrue(f.error() > 0.99 && f.error() <= 1.0 + 1e-6, "a zero gradient is 100% off");
  }

  @Test
  void anInputGradientNotAskedForIsNotChecked() {
    Convolutions.Call firstLayer =
        new Convolutions.Call(PLAIN.input(), PLAIN.kernel(), true, SAME_3X3, false);
    KernelAudit audit =
        KernelAudit.builder()
            .optPath((x, w, b, g, bf16) -> Convolutions.conv2d(x.stopGradient(), w, b, g, bf16))
            .build();
    assertEquals(List.of(), audit.audit(firstLayer, List.of(Amp.NONE)));
  }

  @Test
  void anOutputWrongOnlyInBfloat16IsFoundOnlyThere() {
    // 5 % off, beyond bfloat16's tolerances; the chain rule carries the factor into every gradient.
    KernelAudit audit =
        KernelAudit.builder()
            .optPath(
                (x, w, b, g, bf16) -> {
                  NDArray y = Convolutions.conv2d(x, w, b, g, bf16);
                  return bf16 ? Autocast.float32(y).mul(1.05f) : y;
                })
            .build();
    List<KernelAudit.Finding> findings = audit.audit(PLAIN, List.of(Amp.NONE, Amp.BF16));
    assertEquals(List.of(), parts(findings, Amp.NONE));
    assertEquals(
        List.of("output", "input gradient", "weight gradient", "bias gradient"),
        parts(findings, Amp.BF16));
  }

  @Test
  void oneWrongCallOfThreeIsCounted() {
    AtomicInteger call = new AtomicInteger();
    KernelAudit audit =
        KernelAudit.builder()
            .optPath(
                (x, w, b, g, bf16) -> {
                  NDArray y = Convolutions.conv2d(x, w, b, g, bf16);
                  return call.getAndIncrement() == 1 ? y.mul(1.01f) : y;
                })
            .build();
    List<KernelAudit.Finding> findings = audit.audit(PLAIN, List.of(Amp.NONE));
    assertFalse(findings.isEmpty());
    for (KernelAudit.Finding f : findings) {
      assertEquals(1, f.wrongCalls(), f.line());
    }
    String line = findings.get(0).line();
    assertTrue(
        line.startsWith("float32 convolution 2x16x8x8 * 16x16x3x3 + bias, stride 1, padding 1:"),
        line);
    assertTrue(line.contains("output off by 1.0%") && line.contains("in 1 of 3 calls"), line);
  }

  @Test
  void nanAndAWrongShapeAreInfinitelyWrong() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray want = m.create(new float[] {1, 2, 3});
      assertEquals(0.0, KernelAudit.relativeError(want, m.create(new float[] {1, 2, 3}), 3));
      assertEquals(
          0.5, KernelAudit.relativeError(want, m.create(new float[] {1, 2, 4.5f}), 3), 1e-12);
      assertEquals(
          Double.POSITIVE_INFINITY,
          KernelAudit.relativeError(want, m.create(new float[] {1, Float.NaN, 3}), 3));
      assertEquals(
          Double.POSITIVE_INFINITY,
          KernelAudit.relativeError(want, m.create(new float[] {1, 2}), 3));
    }
  }

  @Test
  void probesAreExactInBfloat16AsLibtorchRoundsThem() {
    float[] values = {1f, 1.00390625f, 1.005859375f, -3.14159f, 0.1f, 65504f, 1e-20f, 0f};
    try (NDManager m = NDManager.newBaseManager()) {
      ScriptedOps ops = ScriptedOps.get();
      float[] libtorch = ops.toFloat32(ops.toBfloat16(m.create(values).duplicate())).toFloatArray();
      for (int i = 0; i < values.length; i++) {
        assertEquals(libtorch[i], KernelAudit.roundToBfloat16(values[i]), "" + values[i]);
      }
      NDArray probe = KernelAudit.probe(m, new Shape(4, 5), 0.37);
      float[] p = probe.toFloatArray();
      float[] again = ops.toFloat32(ops.toBfloat16(probe)).toFloatArray();
      for (int i = 0; i < p.length; i++) {
        assertEquals(p[i], again[i], "probe value " + i + " is a bfloat16 value");
        assertEquals(Math.sin(0.37 * i), p[i], 0.004, "probe value " + i);
      }
    }
  }

  @Test
  void atLeastOneCall() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> KernelAudit.builder().optCalls(0));
    assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
  }

  @Test
  void withoutGradientsOnlyTheOutputIsCheckedAndNoGradientIsRecorded() {
    // Wrong only when no gradients are recorded: the inference audit must see it, the training
    // audit must not; a broken backward does not matter to the inference audit.
    KernelAudit.Path wrongInInference =
        (x, w, b, g, bf16) -> {
          NDArray y = Convolutions.conv2d(x, w, b, g, bf16);
          return JniUtils.isGradMode() ? y : y.mul(1.5f);
        };
    KernelAudit.Path noInputGradient =
        (x, w, b, g, bf16) -> Convolutions.conv2d(x.stopGradient(), w, b, g, bf16);
    List<Amp> float32 = List.of(Amp.NONE);
    assertEquals(
        List.of(), KernelAudit.builder().optPath(wrongInInference).build().audit(PLAIN, float32));
    List<KernelAudit.Finding> inference =
        KernelAudit.builder()
            .optGradients(false)
            .optPath(wrongInInference)
            .build()
            .audit(PLAIN, float32);
    assertEquals(List.of("output"), parts(inference, Amp.NONE));
    assertFalse(inference.get(0).gradients());
    assertTrue(inference.get(0).line().contains("(no gradients recorded): output off by 50%"));
    assertEquals(
        List.of(),
        KernelAudit.builder()
            .optGradients(false)
            .optPath(noInputGradient)
            .build()
            .audit(PLAIN, float32));
  }

  @Test
  void aGpusFloat32MayBeTf32() {
    assertEquals(KernelAudit.FLOAT32_TOLERANCE, KernelAudit.tolerance(false, 1, Device.cpu()));
    assertEquals(KernelAudit.GPU_FLOAT32_TOLERANCE, KernelAudit.tolerance(false, 1, Device.gpu()));
    assertEquals(KernelAudit.BF16_OUTPUT_TOLERANCE, KernelAudit.tolerance(true, 0, Device.gpu()));
    assertEquals(KernelAudit.BF16_GRADIENT_TOLERANCE, KernelAudit.tolerance(true, 2, Device.cpu()));
  }
}
