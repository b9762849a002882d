package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.distill4j.bench.OpProfile;
import org.distill4j.engine.FallbackRoute.Route;
import org.distill4j.engine.ScriptedOps.ConvGeometry;
import org.distill4j.models.SegmentationModel;
import org.distill4j.models.TestBlocks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FallbackRoute}: which float32 CPU convolutions libtorch would give its fallback kernel
 * (the one that logs about NNPACK on CPUs NNPACK does not know), that {@link Convolutions#conv2d}
 * computes them elsewhere (libtorch's profiler sees no fallback kernel, forward or backward), and
 * that the results and gradients are the convolution's.
 */
class FallbackRouteTest {
  private static final ConvGeometry SAME = new ConvGeometry(1, 1, 1, 1, 1, 1, 1);
  private static final ConvGeometry POINTWISE = new ConvGeometry(1, 1, 0, 0, 1, 1, 1);
  private static final IntSupplier ONE_THREAD = () -> 1;
  private static final IntSupplier TWO_THREADS = () -> 2;

  /** Fails the test if the rule asks for the thread count where libtorch's rule does not. */
  private static final IntSupplier NOT_ASKED =
      () -> {
        throw new AssertionError("the thread count does not matter here");
      };

  private static final Route BATCH_OF_TWO = new Route(false, true);
  private static final Route DILATED = new Route(true, false);

  @Test
  void oneSmallImageIsComputedAsABatchOfTwo() {
    // The ASPP's image pooling when evaluating one image: 1x1 on 512 values.
    assertEquals(
        BATCH_OF_TWO,
        FallbackRoute.route(
            new Shape(1, 512, 1, 1), new Shape(256, 512, 1, 1), POINTWISE, TWO_THREADS));
    // 3x3 on 100 x 10 x 10 = 10,000 values; on exactly 20,480; on 20,736 libtorch takes oneDNN.
    assertEquals(
        BATCH_OF_TWO,
        FallbackRoute.route(new Shape(1, 100, 10, 10), new Shape(8, 100, 3, 3), SAME, NOT_ASKED));
    assertEquals(
        BATCH_OF_TWO,
        FallbackRoute.route(new Shape(1, 5, 64, 64), new Shape(8, 5, 3, 3), SAME, NOT_ASKED));
    assertEquals(
        Route.AS_IS,
        FallbackRoute.route(new Shape(1, 256, 9, 9), new Shape(8, 256, 3, 3), SAME, NOT_ASKED));
    // A 5x3 kernel is still "at most 3 on some axis"; 5x5 is not.
    assertEquals(
        BATCH_OF_TWO,
        FallbackRoute.route(new Shape(1, 8, 8, 8), new Shape(8, 8, 5, 3), SAME, NOT_ASKED));
    assertEquals(
        Route.AS_IS,
        FallbackRoute.route(new Shape(1, 8, 8, 8), new Shape(8, 8, 5, 5), SAME, NOT_ASKED));
    // Depthwise, and a batch of two: oneDNN already.
    assertEquals(
        Route.AS_IS,
        FallbackRoute.route(
            new Shape(1, 8, 8, 8),
            new Shape(8, 1, 3, 3),
            new ConvGeometry(1, 1, 1, 1, 1, 1, 8),
            NOT_ASKED));
    assertEquals(
        Route.AS_IS,
        FallbackRoute.route(new Shape(2, 8, 8, 8), new Shape(8, 8, 3, 3), SAME, NOT_ASKED));
    assertEquals(
        Route.AS_IS,
        FallbackRoute.route(
            new Shape(2, 512, 1, 1), new Shape(256, 512, 1, 1), POINTWISE, TWO_THREADS));
  }

  @Test
  void withOneThreadUndilatedPointwiseConvolutionsOnFewerThanSixteenImagesAreDilated() {
    Shape kernel = new Shape(64, 64, 1, 1);
    Shape four = new Shape(4, 64, 32, 32);
    assertEquals(DILATED, FallbackRoute.route(four, kernel, POINTWISE, ONE_THREAD));
    assertEquals(Route.AS_IS, FallbackRoute.route(four, kernel, POINTWISE, TWO_THREADS));
    assertEquals(
        Route.AS_IS, FallbackRoute.route(new Shape(16, 64, 32, 32), kernel, POINTWISE, NOT_ASKED));
    ConvGeometry padded = new ConvGeometry(1, 1, 1, 1, 1, 1, 1);
    assertEquals(DILATED, FallbackRoute.route(four, kernel, padded, ONE_THREAD));
    // Strided: oneDNN for a batch; a batch of two for one small image.
    ConvGeometry strided = new ConvGeometry(2, 2, 0, 0, 1, 1, 1);
    assertEquals(Route.AS_IS, FallbackRoute.route(four, kernel, strided, NOT_ASKED));
    assertEquals(
        BATCH_OF_TWO, FallbackRoute.route(new Shape(1, 64, 8, 8), kernel, strided, NOT_ASKED));
    // One small image with one thread: both.
    assertEquals(
        new Route(true, true),
        FallbackRoute.route(new Shape(1, 64, 8, 8), kernel, POINTWISE, ONE_THREAD));
  }

  @Test
  void eachRouteGivesTheConvolutionAndItsGradients() {
    ConvGeometry strided = new ConvGeometry(2, 2, 1, 1, 1, 1, 1);
    ConvGeometry padded = new ConvGeometry(1, 1, 1, 0, 1, 1, 1);
    check(BATCH_OF_TWO, new Shape(1, 32, 6, 6), new Shape(16, 32, 3, 3), SAME, true);
    check(BATCH_OF_TWO, new Shape(1, 32, 7, 5), new Shape(16, 32, 3, 3), strided, false);
    check(DILATED, new Shape(3, 48, 3, 4), new Shape(32, 48, 1, 1), POINTWISE, true);
    check(DILATED, new Shape(3, 48, 3, 4), new Shape(32, 48, 1, 1), padded, false);
    check(new Route(true, true), new Shape(1, 48, 3, 4), new Shape(32, 48, 1, 1), POINTWISE, true);
  }

  /** {@code route}'s output and gradients against libtorch's float64 convolution. */
  private static void check(Route route, Shape input, Shape kernel, ConvGeometry g, boolean bias) {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(41);
      NDArray x = m.randomNormal(input);
      NDArray w = m.randomNormal(kernel);
      NDArray b = bias ? m.randomNormal(new Shape(kernel.get(0))) : null;
      NDList got =
          ConvGradients.of(
              x,
              w,
              b,
              (xx, ww, bb) ->
                  FallbackRoute.compute(
                      route, xx, g, (input2, g2) -> Convolutions.djlConv2d(input2, ww, bb, g2)));
      ConvComparisons.assertClose(ConvComparisons.float64(x, w, b, g), got, 1e-5, route.toString());
    }
  }

  @Test
  void convolutionsOnTheFallbackKernelsShapesNeverReachIt(@TempDir Path dir) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(42);
      NDArray small = m.randomNormal(new Shape(1, 32, 6, 6));
      NDArray w3 = m.randomNormal(new Shape(16, 32, 3, 3));
      NDArray w1 = m.randomNormal(new Shape(16, 32, 1, 1));
      NDArray b = m.randomNormal(new Shape(16));
      // The premise: libtorch itself takes its fallback kernel for these shapes.
      List<String> plain =
          ops(
              dir.resolve("plain.json"),
              () -> ConvGradients.of(small, w3, b, (xx, ww, bb) -> djl(xx, ww, bb, SAME)));
      assertTrue(usesFallback(plain), "libtorch's own choice: " + plain);

      List<String> routed =
          ops(
              dir.resolve("routed.json"),
              () -> {
                ConvGradients.of(
                    small, w3, b, (xx, ww, bb) -> Convolutions.conv2d(xx, ww, bb, SAME, false));
                return ConvGradients.of(
                    small,
                    w1,
                    null,
                    (xx, ww, bb) -> Convolutions.conv2d(xx, ww, bb, POINTWISE, false));
              });
      assertFalse(usesFallback(routed), "routed: " + routed);
      assertTrue(routed.contains("aten::mkldnn_convolution"), routed.toString());

      NDArray batch = m.randomNormal(new Shape(4, 32, 6, 6));
      List<String> oneThread =
          onOneThread(
              () ->
                  ops(
                      dir.resolve("one-thread.json"),
                      () ->
                          ConvGradients.of(
                              batch,
                              w1,
                              b,
                              (xx, ww, bb) -> Convolutions.conv2d(xx, ww, bb, POINTWISE, false))));
      assertFalse(usesFallback(oneThread), "one thread: " + oneThread);
    }
  }

  @Test
  void aDeepLabEvaluatingOneImageOrTrainingOnOneThreadNeverReachesTheFallback(@TempDir Path dir)
      throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(43);
      SegmentationModel model = TestBlocks.deepLab(18, 8, 2);
      model.initialize(m, new Shape(1, 3, 96, 96));
      // Evaluation: one image at the CPU tutorial's size (the ASPP's image pooling on 1x1, its
      // dilated branches reduced to their centers on 12x12).
      NDArray image = m.randomNormal(new Shape(1, 3, 96, 96));
      List<String> evaluation =
          ops(
              dir.resolve("evaluation.json"),
              () -> model.block().forward(new ParameterStore(m, false), new NDList(image), false));
      assertFalse(usesFallback(evaluation), "evaluating one image: " + evaluation);
      // Training on one thread: every undilated 1x1 convolution of 4 images.
      NDArray batch = m.randomNormal(new Shape(4, 3, 96, 96));
      List<String> training =
          onOneThread(
              () ->
                  ops(
                      dir.resolve("training.json"),
                      () -> {
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                          NDList out =
                              model
                                  .block()
                                  .forward(new ParameterStore(m, false), new NDList(batch), true);
                          gc.backward(out.head().sum());
                        }
                        return null;
                      }));
      assertFalse(usesFallback(training), "a training step on one thread: " + training);
      assertTrue(training.contains("aten::mkldnn_convolution"), training.toString());
    }
  }

  /** {@code work} with libtorch on one intra-op thread, the count restored after. */
  private static <T> T onOneThread(IoSupplier<T> work) throws IOException {
    int threads = JniUtils.getNumThreads();
    try {
      JniUtils.setNumThreads(1);
      FallbackRoute.forgetIntraOpThreads();
      return work.get();
    } finally {
      JniUtils.setNumThreads(threads);
      FallbackRoute.forgetIntraOpThreads();
    }
  }

  /** A supplier that may fail to write its profile. */
  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  private static NDArray djl(NDArray x, NDArray w, NDArray b, ConvGeometry g) {
    return Convolutions.djlConv2d(x, w, b, g);
  }

  private static boolean usesFallback(List<String> ops) {
    return ops.stream().anyMatch(op -> op.contains("slow_conv2d") || op.contains("nnpack"));
  }

  /** The operators libtorch's profiler records while {@code work} runs. */
  private static List<String> ops(Path trace, Supplier<?> work) throws IOException {
    JniUtils.startProfile(false, false, false);
    try {
      work.get();
    } finally {
      JniUtils.stopProfile(trace.toString());
    }
    assertTrue(Files.size(trace) > 0);
    return OpProfile.read(trace).ops().stream().map(OpProfile.Op::name).toList();
  }
}
