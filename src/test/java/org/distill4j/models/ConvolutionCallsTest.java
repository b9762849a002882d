package org.distill4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.distill4j.engine.Convolutions;
import org.distill4j.engine.ScriptedOps.ConvGeometry;
import org.distill4j.models.layers.AutocastConv2d;
import org.junit.jupiter.api.Test;

/** A model's convolution calls, as {@code check --kernels} audits them. */
class ConvolutionCallsTest {
  @Test
  void everyConvolutionLayerIsRecordedAndOnlyTheFirstSkipsItsInputGradient() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      SegmentationModel r18 = TestBlocks.initialised(manager, 18, 8, 2);
      List<Convolutions.Call> calls =
          new ArrayList<>(r18.convolutionCalls(new Shape(2, 3, 64, 64)));

      Convolutions.Call first = calls.get(0);
      assertEquals(new Shape(2, 3, 64, 64), first.input());
      assertEquals(new Shape(32, 3, 3, 3), first.kernel());
      assertEquals(new ConvGeometry(2, 2, 1, 1, 1, 1, 1), first.geometry());
      assertFalse(first.inputGradient(), "the images' gradient is never asked for");
      for (Convolutions.Call c : calls.subList(1, calls.size())) {
        assertTrue(c.inputGradient(), c.describe());
      }

      Set<Shape> recorded = new HashSet<>();
      for (Convolutions.Call c : calls) {
        recorded.add(c.kernel());
      }
      assertEquals(convolutionWeightShapes(r18.block()), recorded);
      assertTrue(
          calls.stream().anyMatch(c -> c.kernel().equals(new Shape(2, 256, 1, 1)) && c.bias()),
          "the classifier, with its bias");
      assertEquals(calls.size(), new HashSet<>(calls).size(), "each shape once");
    }
  }

  private static Set<Shape> convolutionWeightShapes(Block block) {
    Set<Shape> shapes = new HashSet<>();
    if (block instanceof AutocastConv2d) {
      for (Pair<String, Parameter> p : block.getDirectParameters()) {
        if (p.getValue().getType() == Parameter.Type.WEIGHT) {
          shapes.add(p.getValue().getArray().getShape());
        }
      }
    }
    for (Block child : block.getChildren().values()) {
      shapes.addAll(convolutionWeightShapes(child));
    }
    return shapes;
  }
}
