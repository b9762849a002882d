package org.distill4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Set;
import org.distill4j.distill.FrozenTeacher;
import org.junit.jupiter.api.Test;

/**
 * In inference every block frees its intermediates when it returns: after a forward pass the
 * caller's manager holds only the input, the output and the recorded taps, and the values are those
 * of a forward pass that kept everything. In training the intermediates stay for the backward pass.
 */
class InferenceScopeTest {
  @Test
  void inferenceLeavesOnlyOutputsAndTapsBehind() {
    Engine.getInstance().setRandomSeed(3);
    try (NDManager weights = NDManager.newBaseManager()) {
      SegmentationModel model = TestBlocks.deepLab(18, 8, 2);
      model.initialize(weights, new Shape(1, 3, 32, 32));
      FrozenTeacher teacher = new FrozenTeacher(model, List.of("head.aspp", "backbone.stage3"));
      try (NDManager step = NDManager.newBaseManager()) {
        NDArray images = step.randomNormal(new Shape(2, 3, 32, 32));
        FrozenTeacher.Output out = teacher.forward(images);
        int kept = step.getManagedArrays().size();
        // images + logits + two taps
        assertEquals(1 + out.logits().size() + 2, kept, "arrays left in the caller's manager");
        assertEquals(Set.of("head.aspp", "backbone.stage3"), out.tensors().keySet());
        for (NDArray tap : out.tensors().values()) {
          assertTrue(tap.getManager() == step, "taps belong to the caller");
          assertTrue(Float.isFinite(tap.sum().getFloat()), "taps are still readable");
        }
        assertEquals(new Shape(2, 2, 32, 32), out.logits().head().getShape());
      }
    }
  }

  @Test
  void trainingKeepsTheIntermediatesForBackward() {
    Engine.getInstance().setRandomSeed(3);
    try (NDManager weights = NDManager.newBaseManager()) {
      SegmentationModel model = TestBlocks.deepLab(18, 8, 2);
      model.initialize(weights, new Shape(1, 3, 32, 32));
      try (NDManager step = NDManager.newBaseManager()) {
        NDArray images = step.randomNormal(new Shape(2, 3, 32, 32));
        NDList out =
            model.block().forward(new ParameterStore(step, false), new NDList(images), true);
        assertTrue(
            step.getManagedArrays().size() > 50,
            "training keeps the intermediates: " + step.getManagedArrays().size());
        assertEquals(new Shape(2, 2, 32, 32), out.head().getShape());
      }
    }
  }

  @Test
  void neitherLeavesAnythingInTheWeightsManager() {
    // The weights' manager lives as long as the model: anything a forward or backward pass made
    // there would pile up at every step. At 32x32 the ASPP's dilated convolutions read only padding
    // beyond their center taps (CenterTaps), a route that once left two arrays there per call.
    Engine.getInstance().setRandomSeed(3);
    try (NDManager weights = NDManager.newBaseManager()) {
      SegmentationModel model = TestBlocks.deepLab(18, 8, 2);
      model.initialize(weights, new Shape(1, 3, 32, 32));
      int before = weights.getManagedArrays().size();
      try (NDManager step = NDManager.newBaseManager();
          GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray images = step.randomNormal(new Shape(2, 3, 32, 32));
        NDList out =
            model.block().forward(new ParameterStore(step, false), new NDList(images), true);
        gc.backward(out.head().sum());
      }
      assertEquals(before, weights.getManagedArrays().size(), "after a training step");
      // Last: a frozen teacher stops its model's gradients.
      FrozenTeacher teacher = new FrozenTeacher(model, List.of("head.aspp"));
      try (NDManager step = NDManager.newBaseManager()) {
        teacher.forward(step.randomNormal(new Shape(2, 3, 32, 32)));
      }
      assertEquals(before, weights.getManagedArrays().size(), "after an inference pass");
    }
  }
}
