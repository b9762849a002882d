package org.distill4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.distill4j.config.ConfigException;
import org.distill4j.distill.StudentAdaptor;
import org.junit.jupiter.api.Test;

/** A model of one's own: a layer tapped by its name and a function's result published by name. */
class SequentialSegNetTest {
  private static SegmentationModel tiny(AtomicInteger reshapes) {
    return SequentialSegNet.builder("TinyNet", 2)
        .add(
            "conv1",
            () ->
                Conv2d.builder()
                    .setFilters(3)
                    .setKernelShape(new Shape(3, 3))
                    .optPadding(new Shape(1, 1))
                    .build())
        .publish(
            "reshape_out",
            x -> {
              reshapes.incrementAndGet();
              return x.reshape(x.getShape().get(0), -1);
            })
        .add(
            "classifier",
            () -> Conv2d.builder().setFilters(2).setKernelShape(new Shape(1, 1)).build())
        .build();
  }

  @Test
  void layerOutputsAndPublishedTensorsAreTapsInForwardOrder() {
    AtomicInteger reshapes = new AtomicInteger();
    SegmentationModel model = tiny(reshapes);
    assertEquals(List.of("conv1", "reshape_out", "classifier"), model.tapPaths());
    try (NDManager m = NDManager.newBaseManager()) {
      model.initialize(m, new Shape(1, 3, 8, 8));
      NDArray x = m.randomNormal(new Shape(2, 3, 8, 8));
      NDArray logits = model.forward(new ParameterStore(m, false), x, false);
      assertEquals(new Shape(2, 2, 8, 8), logits.getShape());
      assertEquals(0, reshapes.get(), "a published function runs only while recorded");

      TapRecorder recorder = new TapRecorder("conv1", "reshape_out");
      try (SegmentationModel.Recording r = model.record(recorder)) {
        model.forward(new ParameterStore(m, false), x, false);
      }
      assertEquals(1, reshapes.get());
      assertEquals(new Shape(2, 3, 8, 8), recorder.get("conv1").getShape());
      assertEquals(new Shape(2, 3 * 8 * 8), recorder.get("reshape_out").getShape());
      assertEquals(
          0f,
          recorder
              .get("conv1")
              .reshape(2, -1)
              .sub(recorder.get("reshape_out"))
              .abs()
              .max()
              .getFloat(),
          "the published tensor is the function of the layer output");
    }
    StudentAdaptor adaptor =
        new StudentAdaptor(java.util.Map.of("hidden_0", "conv1", "hidden_1", "reshape_out"));
    adaptor.checkAgainst(model);
  }

  @Test
  void namesMustBeUniqueAndALayerIsRequired() {
    SequentialSegNet.Builder b = SequentialSegNet.builder("Broken", 2).publish("same", x -> x);
    ConfigException dup = assertThrows(ConfigException.class, () -> b.publish("same", x -> x));
    assertTrue(dup.getMessage().contains("'same'"), dup.getMessage());
    ConfigException none = assertThrows(ConfigException.class, b::build);
    assertTrue(none.getMessage().contains("at least one layer"), none.getMessage());
  }
}
