package org.distill4j.models.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.distill4j.models.TestBlocks;
import org.distill4j.models.taps.TapHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConvBNLayerTest {
  private static final double BN_SCALE = 1 / Math.sqrt(1 + 1e-5); // fresh BN in inference

  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private ConvBNLayer.Builder layer(int in, int out, int k) {
    return ConvBNLayer.builder().setTaps(new TapHub(), "x").setChannels(in, out).setKernel(k);
  }

  private NDArray forward(ConvBNLayer l, NDArray x, boolean training) {
    return l.forward(new ParameterStore(manager, false), new NDList(x), training)
        .singletonOrThrow();
  }

  @Test
  void vdPoolIsCeilModeAndExcludesCellsOutsideTheInput() {
    ConvBNLayer l = layer(1, 1, 1).optVdPool(true).build();
    l.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 3, 3));
    TestBlocks.param(l, "weight").getArray().set(new float[] {1f});
    NDArray x = manager.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new Shape(1, 1, 3, 3));
    NDArray y = forward(l, x, false);
    assertEquals(new Shape(1, 1, 2, 2), y.getShape());
    // Windows: {1,2,4,5}, {3,6}, {7,8}, {9}, each averaged over the cells that exist.
    float[] want = {3f, 4.5f, 7.5f, 9f};
    for (int i = 0; i < want.length; i++) {
      want[i] *= (float) BN_SCALE;
    }
    assertArrayEquals(want, y.toFloatArray(), 1e-5f);
  }

  @Test
  void dilatedConvMatchesADirectComputation() {
    // 16 channels: oneDNN, which computes these one-image convolutions (FallbackRoute), gets
    // some padded channel counts wrong on one CPU (docs/reliability.md).
    checkAgainstDirectConv(16, 16, 1, 2, 1, -1, false); // ResNet: padding = dilation
    checkAgainstDirectConv(16, 16, 16, 3, 1, 3, true); // ASPP depthwise: groups = channels
    checkAgainstDirectConv(16, 32, 1, 1, 2, -1, false); // stride 2, padding (k-1)/2
  }

  private void checkAgainstDirectConv(
      int in, int out, int groups, int dilation, int stride, int padding, boolean bias) {
    ConvBNLayer.Builder b =
        layer(in, out, 3).optDilation(dilation).optStride(stride).optGroups(groups).optBias(bias);
    if (padding >= 0) {
      b.optPadding(padding);
    }
    ConvBNLayer l = b.build();
    int size = 7;
    l.initialize(manager, DataType.FLOAT32, new Shape(1, in, size, size));
    Random rnd = new Random(in * 31 + dilation);
    int inPerGroup = in / groups;
    float[] w = new float[out * inPerGroup * 9];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) rnd.nextGaussian();
    }
    TestBlocks.param(l, "weight").getArray().set(w);
    float[] bs = new float[out];
    if (bias) {
      for (int i = 0; i < out; i++) {
        bs[i] = (float) rnd.nextGaussian();
      }
      TestBlocks.param(l, "bias").getArray().set(bs);
    }
    float[] x = new float[in * size * size];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    NDArray y = forward(l, manager.create(x, new Shape(1, in, size, size)), false);
    int pad = padding >= 0 ? padding : dilation;
    int outSize = (size + 2 * pad - dilation * 2 - 1) / stride + 1;
    assertEquals(new Shape(1, out, outSize, outSize), y.getShape());
    float[] got = y.toFloatArray();
    int outPerGroup = out / groups;
    for (int o = 0; o < out; o++) {
      int g = o / outPerGroup;
      for (int i = 0; i < outSize; i++) {
        for (int j = 0; j < outSize; j++) {
          double sum = bs[o];
          for (int c = 0; c < inPerGroup; c++) {
            int ch = g * inPerGroup + c;
            for (int ki = 0; ki < 3; ki++) {
              for (int kj = 0; kj < 3; kj++) {
                int r = i * stride - pad + ki * dilation;
                int q = j * stride - pad + kj * dilation;
                if (r >= 0 && r < size && q >= 0 && q < size) {
                  sum +=
                      w[((o * inPerGroup + c) * 3 + ki) * 3 + kj] * x[(ch * size + r) * size + q];
                }
              }
            }
          }
          float want = (float) (sum * BN_SCALE);
          assertEquals(
              want, got[(o * outSize + i) * outSize + j], 1e-4f, "at " + o + "," + i + "," + j);
        }
      }
    }
  }

  @Test
  void initialisationFollowsPaddleEvenForDepthwiseConvs() {
    Engine.getInstance().setRandomSeed(3);
    int channels = 256;
    ConvBNLayer l = layer(channels, channels, 3).optGroups(channels).optBias(true).build();
    l.initialize(manager, DataType.FLOAT32, new Shape(1, channels, 8, 8));
    NDArray w = TestBlocks.param(l, "weight").getArray();
    assertEquals(new Shape(channels, 1, 3, 3), w.getShape());
    // Paddle: std = sqrt(2 / (k*k*in_channels)) with the full in_channels, not in/groups.
    double want = Math.sqrt(2.0 / (9 * channels));
    double std = Math.sqrt(w.square().mean().getFloat());
    assertEquals(want, std, want * 0.05, "weight std");
    assertEquals(0, w.mean().getFloat(), want * 0.1, "weight mean");
    assertEquals(0f, TestBlocks.param(l, "bias").getArray().abs().sum().getFloat());
    assertEquals(channels, TestBlocks.param(l, "gamma").getArray().sum().getFloat(), 1e-3);
    assertEquals(0f, TestBlocks.param(l, "beta").getArray().abs().sum().getFloat());
    assertEquals(0f, TestBlocks.param(l, "runningMean").getArray().abs().sum().getFloat());
    assertEquals(channels, TestBlocks.param(l, "runningVar").getArray().sum().getFloat(), 1e-3);
    assertEquals((float) Math.sqrt(2.0 / (9 * 64)), PaddleConv.initStd(3, 64), 1e-7f);
  }

  @Test
  void batchNormUsesBatchStatisticsInTrainingAndRunningOnesInInference() {
    ConvBNLayer l = layer(1, 1, 1).build();
    l.initialize(manager, DataType.FLOAT32, new Shape(4, 1, 1, 1));
    TestBlocks.param(l, "weight").getArray().set(new float[] {1f});
    NDArray x = manager.create(new float[] {1, 2, 3, 6}, new Shape(4, 1, 1, 1));
    // Inference with fresh statistics (mean 0, var 1): x / sqrt(1 + eps).
    assertArrayEquals(
        new float[] {
          (float) BN_SCALE, 2 * (float) BN_SCALE, 3 * (float) BN_SCALE, 6 * (float) BN_SCALE
        },
        forward(l, x, false).toFloatArray(),
        1e-5f);
    // Training: normalised by the batch (mean 3, biased variance 3.5).
    float[] trained = forward(l, x, true).toFloatArray();
    double sd = Math.sqrt(3.5 + 1e-5);
    assertArrayEquals(
        new float[] {(float) (-2 / sd), (float) (-1 / sd), 0f, (float) (3 / sd)}, trained, 1e-5f);
    // Paddle momentum 0.9: running = 0.9 * old + 0.1 * batch, with the biased batch variance
    // (PyTorch's kernel would give 0.9 + 0.1 * 14/3 for the variance).
    assertEquals(0.3f, TestBlocks.param(l, "runningMean").getArray().getFloat(0), 1e-6f);
    assertEquals(0.9f + 0.35f, TestBlocks.param(l, "runningVar").getArray().getFloat(0), 1e-6f);
    // Inference now uses the running statistics, not the batch's.
    float mean = TestBlocks.param(l, "runningMean").getArray().getFloat(0);
    float var = TestBlocks.param(l, "runningVar").getArray().getFloat(0);
    float[] inferred = forward(l, x, false).toFloatArray();
    assertEquals((1 - mean) / Math.sqrt(var + 1e-5), inferred[0], 1e-5);
  }

  /**
   * Each channel (axis 1 of NCHW) normalised by its own statistics, in training and in inference,
   * with the same numbers and gradients as DJL's batch norm along axis 1. Shapes where channels,
   * height and width all differ, so that normalising another axis cannot pass.
   */
  @Test
  void batchNormNormalisesEachChannelAsDjlAlongAxisOneDoes() {
    int n = 2;
    int c = 3;
    int h = 4;
    int w = 5;
    ConvBNLayer l = layer(c, c, 1).build();
    l.initialize(manager, DataType.FLOAT32, new Shape(n, c, h, w));
    TestBlocks.param(l, "weight").getArray().set(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1});
    TestBlocks.param(l, "gamma").getArray().set(new float[] {0.5f, 2f, -1f});
    TestBlocks.param(l, "beta").getArray().set(new float[] {0.25f, -3f, 1f});
    Random rnd = new Random(7);
    float[] values = new float[n * c * h * w];
    for (int i = 0; i < values.length; i++) {
      int channel = (i / (h * w)) % c;
      values[i] = (float) (rnd.nextGaussian() * (channel + 1) + 10 * channel);
    }
    NDArray x = manager.create(values, new Shape(n, c, h, w));
    NDArray gamma = TestBlocks.param(l, "gamma").getArray().duplicate();
    NDArray beta = TestBlocks.param(l, "beta").getArray().duplicate();
    NDArray upstream = manager.randomNormal(new Shape(n, c, h, w));

    // Training: the batch's mean and biased variance per channel.
    NDArray xLayer = x.duplicate();
    xLayer.setRequiresGradient(true);
    NDArray y;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      y = forward(l, xLayer, true);
      gc.backward(y.mul(upstream).sum());
    }
    float[] got = y.toFloatArray();
    double[] mean = new double[c];
    double[] var = new double[c];
    int count = n * h * w;
    for (int i = 0; i < values.length; i++) {
      mean[(i / (h * w)) % c] += values[i] / count;
    }
    for (int i = 0; i < values.length; i++) {
      int channel = (i / (h * w)) % c;
      var[channel] += Math.pow(values[i] - mean[channel], 2) / count;
    }
    float[] g = gamma.toFloatArray();
    float[] b = beta.toFloatArray();
    for (int i = 0; i < values.length; i++) {
      int channel = (i / (h * w)) % c;
      double want = (values[i] - mean[channel]) / Math.sqrt(var[channel] + 1e-5) * g[channel];
      assertEquals(want + b[channel], got[i], 1e-4, "training, element " + i);
    }
    float[] runningMean = TestBlocks.param(l, "runningMean").getArray().toFloatArray();
    float[] runningVar = TestBlocks.param(l, "runningVar").getArray().toFloatArray();
    for (int channel = 0; channel < c; channel++) {
      assertEquals(0.1 * mean[channel], runningMean[channel], 1e-4, "running mean " + channel);
      assertEquals(0.9 + 0.1 * var[channel], runningVar[channel], 1e-3, "running var " + channel);
    }

    // DJL's batch norm along axis 1 on the same input: the same numbers and gradients, bit for bit.
    NDArray xRef = x.duplicate();
    xRef.setRequiresGradient(true);
    gamma.setRequiresGradient(true);
    beta.setRequiresGradient(true);
    NDArray ref;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray scratchMean = manager.zeros(new Shape(c));
      NDArray scratchVar = manager.ones(new Shape(c));
      ref =
          ai.djl.nn.norm.BatchNorm.batchNorm(
                  xRef, scratchMean, scratchVar, gamma, beta, 1, 0.9f, 1e-5f, true)
              .singletonOrThrow();
      gc.backward(ref.mul(upstream).sum());
    }
    assertArrayEquals(ref.toFloatArray(), got);
    assertArrayEquals(xRef.getGradient().toFloatArray(), xLayer.getGradient().toFloatArray());
    assertArrayEquals(
        gamma.getGradient().toFloatArray(),
        TestBlocks.param(l, "gamma").getArray().getGradient().toFloatArray());
    assertArrayEquals(
        beta.getGradient().toFloatArray(),
        TestBlocks.param(l, "beta").getArray().getGradient().toFloatArray());

    // Inference: the running statistics per channel.
    float[] inferred = forward(l, x, false).toFloatArray();
    for (int i = 0; i < values.length; i++) {
      int channel = (i / (h * w)) % c;
      double normalised =
          (values[i] - runningMean[channel]) / Math.sqrt(runningVar[channel] + 1e-5);
      assertEquals(normalised * g[channel] + b[channel], inferred[i], 1e-4, "inference " + i);
    }
    NDArray refInference =
        ai.djl.nn.norm.BatchNorm.batchNorm(
                x,
                manager.create(runningMean),
                manager.create(runningVar),
                manager.create(g),
                manager.create(b),
                1,
                0.9f,
                1e-5f,
                false)
            .singletonOrThrow();
    assertArrayEquals(refInference.toFloatArray(), inferred);
  }

  @Test
  void batchOfOneSingleValueSkipsTheNormalisationAsPaddleDoes() {
    int channels = 3;
    ConvBNLayer l = layer(2, channels, 1).optRelu(false).build();
    l.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 1, 1));
    TestBlocks.param(l, "beta").getArray().set(new float[] {0.5f, -1f, 2f});
    NDArray x = manager.create(new float[] {1f, 2f}, new Shape(1, 2, 1, 1));
    NDArray weight = TestBlocks.param(l, "weight").getArray();
    float[] conv = weight.reshape(channels, 2).matMul(x.reshape(2, 1)).toFloatArray();
    NDArray y;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      y = forward(l, x, true);
      gc.backward(y.sum());
    }
    // Paddle's batch_norm kernels: one element per channel in training -> y = x, no update.
    assertArrayEquals(conv, y.toFloatArray(), 1e-6f);
    assertArrayEquals(new float[] {1f, 2f, 1f, 2f, 1f, 2f}, weight.getGradient().toFloatArray());
    assertArrayEquals(
        new float[channels], TestBlocks.param(l, "runningMean").getArray().toFloatArray());
    assertArrayEquals(
        new float[] {1f, 1f, 1f}, TestBlocks.param(l, "runningVar").getArray().toFloatArray());
  }

  @Test
  void separableConvIsDepthwiseThenPointwiseWithBiases() {
    SeparableConvBNReLU s = new SeparableConvBNReLU(new TapHub(), "sep", 8, 5, 3, 2, 2);
    s.initialize(manager, DataType.FLOAT32, new Shape(1, 8, 6, 6));
    assertEquals(
        new Shape(8, 1, 3, 3),
        TestBlocks.param(s, "depthwise_conv_01conv_weight").getArray().getShape());
    assertEquals(
        new Shape(8), TestBlocks.param(s, "depthwise_conv_01conv_bias").getArray().getShape());
    assertEquals(
        new Shape(5, 8, 1, 1),
        TestBlocks.param(s, "pointwise_conv_01conv_weight").getArray().getShape());
    assertEquals(
        new Shape(5), TestBlocks.param(s, "pointwise_conv_01conv_bias").getArray().getShape());
    NDArray y =
        s.forward(
                new ParameterStore(manager, false),
                new NDList(manager.randomNormal(new Shape(1, 8, 6, 6))),
                false)
            .singletonOrThrow();
    assertEquals(new Shape(1, 5, 6, 6), y.getShape());
    assertTrue(y.min().getFloat() >= 0, "ends with a ReLU");
  }

  @Test
  void poolAndConvSizeArithmetic() {
    assertEquals(2, PaddleConv.ceilPoolSize(3, 2, 2, 0));
    assertEquals(2, PaddleConv.ceilPoolSize(4, 2, 2, 0));
    assertEquals(3, PaddleConv.ceilPoolSize(5, 2, 2, 0));
    assertEquals(1, PaddleConv.ceilPoolSize(1, 2, 2, 0));
    assertEquals(32, PaddleConv.outSize(64, 3, 2, 1, 1));
    assertEquals(33, PaddleConv.outSize(65, 3, 2, 1, 1));
    assertEquals(8, PaddleConv.outSize(8, 3, 1, 16, 16));
  }
}
