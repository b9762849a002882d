package org.distill4j.models.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.distill4j.config.Amp;
import org.distill4j.engine.Autocast;
import org.distill4j.engine.ScriptedOps;
import org.junit.jupiter.api.Test;

/** PaddleConv's layer: DJL's float32 convolution, and bfloat16 inside an amp scope. */
class AutocastConv2dTest {
  @Test
  void float32OutsideTheScopeAndBfloat16InsideIt() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(11);
      Conv2d conv = PaddleConv.conv2d(6, 4, 3, 2, 2, 2, 2, true);
      assertTrue(conv instanceof AutocastConv2d);
      conv.initialize(m, DataType.FLOAT32, new Shape(2, 6, 10, 10));
      NDArray x = m.randomNormal(new Shape(2, 6, 10, 10));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray w = conv.getParameters().get("weight").getArray();
      NDArray b = conv.getParameters().get("bias").getArray();
      float[] djl =
          Conv2d.conv2d(x, w, b, new Shape(2, 2), new Shape(2, 2), new Shape(2, 2), 2)
              .singletonOrThrow()
              .toFloatArray();
      float[] plain = conv.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
      assertArrayEquals(djl, plain, "outside a scope: DJL's own convolution, bit for bit");
      float[] mixed;
      try (Autocast scope = Autocast.scope(Amp.BF16)) {
        NDArray y = conv.forward(ps, new NDList(x), false).singletonOrThrow();
        assertTrue(Autocast.isBf16(y), "the result stays bfloat16 for the next layer");
        NDArray y32 = Autocast.float32(y);
        assertEquals(DataType.FLOAT32, y32.getDataType());
        mixed = y32.toFloatArray();
        // The next layer takes the bfloat16 array as it is: the same numbers as from its float32
        // copy, whose values are all bfloat16 values.
        Conv2d next = PaddleConv.conv2d(4, 3, 1, 1, 0, 1, 1, false);
        next.initialize(m, DataType.FLOAT32, y.getShape());
        float[] fromBf16 =
            Autocast.float32(next.forward(ps, new NDList(y), false).singletonOrThrow())
                .toFloatArray();
        float[] fromFloat32 =
            Autocast.float32(next.forward(ps, new NDList(y32), false).singletonOrThrow())
                .toFloatArray();
        assertArrayEquals(fromFloat32, fromBf16);
      }
      assertFalse(Autocast.isBf16(x));
      assertSame(x, Autocast.float32(x), "a float32 array is returned as it is");
      assertEquals(djl.length, mixed.length);
      int differ = 0;
      for (int i = 0; i < mixed.length; i++) {
        assertEquals(0, Float.floatToRawIntBits(mixed[i]) & 0xFFFF, "bf16 value " + mixed[i]);
        assertEquals(djl[i], mixed[i], Math.abs(djl[i]) / 32 + 0.05, "element " + i);
        differ += djl[i] != mixed[i] ? 1 : 0;
      }
      assertTrue(differ > mixed.length / 2, "computed in bf16, not float32: " + differ);
    }
  }

  @Test
  void gradientsReachTheWeightsThroughTheBf16Convolution() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(12);
      Conv2d conv = PaddleConv.conv2d(3, 5, 1, 1, 0, 1, 1, false);
      conv.initialize(m, DataType.FLOAT32, new Shape(1, 3, 4, 4));
      conv.getParameters().get("weight").getArray().setRequiresGradient(true);
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.ones(new Shape(1, 3, 4, 4));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector();
          Autocast scope = Autocast.scope(Amp.BF16)) {
        NDArray y = Autocast.float32(conv.forward(ps, new NDList(x), true).singletonOrThrow());
        gc.backward(y.sum());
      }
      // d sum(y) / d w[o, c] = the sum of input channel c over the 4x4 pixels = 16.
      NDArray grad = conv.getParameters().get("weight").getArray().getGradient();
      float[] g = grad.toFloatArray();
      for (float v : g) {
        assertEquals(16f, v, 0f);
      }
    }
  }

  @Test
  void largeDilationsOnTheCpuAreComputedOnTheInputsPhases() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(13);
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(new Shape(1, 16, 32, 32));
      // Dilation 8 on 32x32 (4x4 phases): the phases, in float32 and in bf16.
      Conv2d dilated = PaddleConv.conv2d(16, 16, 3, 1, 8, 8, 1, true);
      dilated.initialize(m, DataType.FLOAT32, x.getShape());
      NDArray w = dilated.getParameters().get("weight").getArray();
      NDArray b = dilated.getParameters().get("bias").getArray();
      ScriptedOps.ConvGeometry g = new ScriptedOps.ConvGeometry(1, 1, 8, 8, 8, 8, 1);
      assertArrayEquals(
          ScriptedOps.get().conv2dPhases(x, w, b, g, false).toFloatArray(),
          dilated.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray(),
          "float32: the phases, bit for bit");
      ScriptedOps.ConvGeometry g16 = new ScriptedOps.ConvGeometry(1, 1, 16, 16, 16, 16, 1);
      NDArray x64 = m.randomNormal(new Shape(1, 16, 64, 64));
      Conv2d wider = PaddleConv.conv2d(16, 16, 3, 1, 16, 16, 1, false);
      wider.initialize(m, DataType.FLOAT32, x64.getShape());
      NDArray w16 = wider.getParameters().get("weight").getArray();
      try (Autocast scope = Autocast.scope(Amp.BF16)) {
        assertArrayEquals(
            Autocast.float32(ScriptedOps.get().conv2dPhases(x64, w16, null, g16, true))
                .toFloatArray(),
            Autocast.float32(wider.forward(ps, new NDList(x64), false).singletonOrThrow())
                .toFloatArray(),
            "bf16, dilation 16 on 64x64: the phases, bit for bit");
      }
      // Dilation 4 takes libtorch's convolution as before (on two images: one image this small
      // would be computed as a batch of two, see FallbackRouteTest).
      NDArray two = m.randomNormal(new Shape(2, 16, 32, 32));
      Conv2d small = PaddleConv.conv2d(16, 16, 3, 1, 4, 4, 1, false);
      small.initialize(m, DataType.FLOAT32, two.getShape());
      NDArray ws = small.getParameters().get("weight").getArray();
      assertArrayEquals(
          Conv2d.conv2d(two, ws, null, new Shape(1, 1), new Shape(4, 4), new Shape(4, 4), 1)
              .singletonOrThrow()
              .toFloatArray(),
          small.forward(ps, new NDList(two), false).singletonOrThrow().toFloatArray(),
          "dilation 4: DJL's own convolution, bit for bit");
    }
  }
}
