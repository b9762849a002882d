package org.distill4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.distill4j.distill.FrozenTeacher;
import org.distill4j.engine.Convolutions;
import org.distill4j.models.layers.ConvBNLayer;
import org.junit.jupiter.api.Test;

/**
 * In inference every block frees its intermediates when it returns: after a forward pass the
 * caller's manager holds only the input, the output and the recorded taps, and the values are those
 * of a forward pass that kept everything. In training the intermediates stay for the backward pass.
 */
class InferenceScopeTest {
  @Test
  void inferenceLeavesOnlyOutputsAndTapsBehind() {
    try (NDManager weights = NDManager.newBaseManager()) {
      SegmentationModel model = deepLab(weights, 3);
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
  void aFrozenTeachersFoldedBatchNormsGiveTheModelsLogits() {
    try (NDManager weights = NDManager.newBaseManager()) {
      SegmentationModel model = deepLab(weights, 5);
      // Training passes move the running statistics away from mean 0, variance 1.
      for (int i = 0; i < 3; i++) {
        try (NDManager step = NDManager.newBaseManager()) {
          NDArray shifted = images(step).mul(3).add(1);
          model.block().forward(new ParameterStore(step, false), new NDList(shifted), true);
        }
      }
      try (NDManager step = NDManager.newBaseManager()) {
        NDArray x = images(step);
        NDArray plain =
            model.block().forward(new ParameterStore(step, false), new NDList(x), false).head();
        NDArray taught = new FrozenTeacher(model, List.of()).forward(x).logits().head();
        float largest = plain.abs().max().getFloat();
        float diff = plain.sub(taught).abs().max().getFloat();
        assertTrue(largest > 0f, "logits that are not all zero");
        assertTrue(diff > 0f, "the teacher took the folded route, which rounds differently");
        assertTrue(diff <= 1e-4f * largest, "differ by " + diff + " (largest " + largest + ")");
      }
    }
  }

  /** check --kernels audits the teacher's convolutions as it computes them: folded, with a bias. */
  @Test
  void aFrozenTeachersConvolutionCallsAreItsFoldedOnes() {
    try (NDManager weights = NDManager.newBaseManager()) {
      SegmentationModel model = deepLab(weights, 3);
      Shape input = new Shape(2, 3, 32, 32);
      Set<Convolutions.Call> plain = model.convolutionCalls(input);
      Set<Convolutions.Call> taught = new FrozenTeacher(model, List.of()).convolutionCalls(input);
      assertTrue(plain.stream().anyMatch(c -> !c.bias()), "ResNet's convolutions have no bias");
      assertTrue(taught.stream().allMatch(Convolutions.Call::bias), "folded: " + taught);
      Set<String> withoutBias = new HashSet<>();
      plain.forEach(c -> withoutBias.add(c.describe().replace(" + bias", "")));
      Set<String> foldedWithoutBias = new HashSet<>();
      taught.forEach(c -> foldedWithoutBias.add(c.describe().replace(" + bias", "")));
      assertEquals(withoutBias, foldedWithoutBias, "the same convolutions otherwise");
    }
  }

  @Test
  void trainingKeepsTheIntermediatesForBackward() {
    try (NDManager weights = NDManager.newBaseManager()) {
      SegmentationModel model = deepLab(weights, 3);
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
    try (NDManager weights = NDManager.newBaseManager()) {
      SegmentationModel model = deepLab(weights, 3);
      int before = weights.getManagedArrays().size();
      try (NDManager step = NDManager.newBaseManager();
          GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray images = step.randomNormal(new Shape(2, 3, 32, 32));
        NDList out =
            model.block().forward(new ParameterStore(step, false), new NDList(images), true);
        gc.backward(out.head().sum());
      }
      assertEquals(before, weights.getManagedArrays().size(), "after a training step");
      try (NDManager step = NDManager.newBaseManager()) {
        model.block().forward(new ParameterStore(step, false), new NDList(images(step)), false);
      }
      assertEquals(before, weights.getManagedArrays().size(), "after an inference pass");
      // Last: a frozen teacher stops its model's gradients. Its first pass folds each batch norm
      // into its convolution (a weight and a bias, kept with the weights as long as they live),
      // later passes reuse them.
      FrozenTeacher teacher = new FrozenTeacher(model, List.of("head.aspp"));
      int folded = 2 * convBnLayers(model.block());
      for (int pass = 1; pass <= 2; pass++) {
        try (NDManager step = NDManager.newBaseManager()) {
          teacher.forward(images(step));
        }
        assertEquals(
            before + folded,
            weights.getManagedArrays().size(),
            "after the frozen teacher's pass " + pass);
      }
    }
  }

  /**
   * A ResNet18 DeepLab for 32x32 inputs, its weights drawn with {@code seed} into {@code weights}.
   */
  private static SegmentationModel deepLab(NDManager weights, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    SegmentationModel model = TestBlocks.deepLab(18, 8, 2);
    model.initialize(weights, new Shape(1, 3, 32, 32));
    return model;
  }

  private static NDArray images(NDManager step) {
    return step.randomNormal(new Shape(2, 3, 32, 32));
  }

  private static int convBnLayers(Block block) {
    int n = block instanceof ConvBNLayer ? 1 : 0;
    for (Block child : block.getChildren().values()) {
      n += convBnLayers(child);
    }
    return n;
  }
}
