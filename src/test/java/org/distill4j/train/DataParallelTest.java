package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.data.SegDataset;
import org.distill4j.losses.CrossEntropyLoss;
import org.distill4j.losses.LossMix;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.optim.ConstantLR;
import org.distill4j.train.optim.Optimizers;
import org.distill4j.train.optim.SegOptimizer;
import org.junit.jupiter.api.Test;

/**
 * The data-parallel step on the CPU: DJL has one CPU device (every {@code Device.of("cpu", i)} is
 * the same device), so the shards run on it one after another, exercising the split, the per-shard
 * forward passes and objective calls inside one collector, the gradient weighting and the single
 * update. With a model without BatchNorm and a pixel-mean loss on equal shards, two shards of 2
 * must train exactly like one batch of 4.
 */
class DataParallelTest {
  private static final SegDataset DATA = TrainFixtures.randomDataset(8, 8, 3, false);

  /** Trains a fresh seed-0 TinyConv for {@code iters} iterations; returns its losses. */
  private static List<Map<String, Double>> train(
      SegmentationModel model, int batchSize, int shards, int iters) {
    try (SegOptimizer optimizer =
        Optimizers.build(ConfigMap.of("type", "sgd", "momentum", 0.9, "weight_decay", 1e-3))) {
      TrainFixtures.LossRecorder losses = new TrainFixtures.LossRecorder();
      SegTrainer.Builder builder =
          SegTrainer.builder()
              .setModel(model)
              .setTrainDataset(DATA)
              .setObjective(new SupervisedObjective(LossMix.of(CrossEntropyLoss.builder().build())))
              .setOptimizer(optimizer)
              .setSchedule(new ConstantLR(0.5))
              .setOptions(
                  TrainingOptions.builder()
                      .setIters(iters)
                      .setBatchSize(batchSize)
                      .optLogIters(1)
                      .optSaveDir(null)
                      .optSeed(5)
                      .build())
              .addListener(losses);
      TrainFixtures.forceShards(builder, shards).build().train();
      return losses.windows;
    }
  }

  private static SegmentationModel model(NDManager manager) {
    Engine.getInstance().setRandomSeed(0);
    SegmentationModel m = TrainFixtures.tinyConvModel(2);
    m.initialize(manager, new Shape(1, 3, 8, 8));
    return m;
  }

  @Test
  void twoShardsOfTwoTrainLikeOneBatchOfFour() {
    try (NDManager a = NDManager.newBaseManager();
        NDManager b = NDManager.newBaseManager()) {
      SegmentationModel whole = model(a);
      SegmentationModel sharded = model(b);
      List<float[]> start = TrainFixtures.parameters(whole);
      for (int i = 0; i < start.size(); i++) {
        assertArrayEquals(start.get(i), TrainFixtures.parameters(sharded).get(i));
      }
      List<Map<String, Double>> wholeLoss = train(whole, 4, 1, 2);
      List<Map<String, Double>> shardLoss = train(sharded, 2, 2, 2);
      // Two iterations: the second one also checks the momentum state built from the first.
      TrainFixtures.assertSameUpdate(
          start, TrainFixtures.parameters(whole), TrainFixtures.parameters(sharded), 1e-4);
      for (int it = 0; it < 2; it++) {
        assertEquals(wholeLoss.get(it).get("loss"), shardLoss.get(it).get("loss"), 1e-6);
      }
    }
  }

  @Test
  void shardsThatAreNotAveragedWouldBeCaught() {
    // The same comparison against half the batch fails: the check above can tell batches apart.
    try (NDManager a = NDManager.newBaseManager();
        NDManager b = NDManager.newBaseManager()) {
      SegmentationModel whole = model(a);
      SegmentationModel half = model(b);
      List<float[]> start = TrainFixtures.parameters(whole);
      train(whole, 4, 1, 1);
      train(half, 2, 1, 1);
      assertThrows(
          AssertionError.class,
          () ->
              TrainFixtures.assertSameUpdate(
                  start, TrainFixtures.parameters(whole), TrainFixtures.parameters(half), 1e-4));
    }
  }

  @Test
  void devicesMustStartWhereTheModelIs() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      SegmentationModel model = model(m);
      SegTrainer.Builder builder =
          SegTrainer.builder()
              .setModel(model)
              .setTrainDataset(DATA)
              .setObjective(new SupervisedObjective(LossMix.of(CrossEntropyLoss.builder().build())))
              .setOptimizer(Optimizers.build(ConfigMap.of("type", "sgd")))
              .setSchedule(new ConstantLR(0.1))
              .setOptions(TrainingOptions.builder().setBatchSize(2).optSaveDir(null).build());
      IllegalArgumentException wrong =
          assertThrows(
              IllegalArgumentException.class,
              () -> builder.optDevices(Device.gpu(0), Device.gpu(1)).build());
      assertTrue(wrong.getMessage().contains("parameters are on cpu()"), wrong.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () -> builder.optDevices(Device.cpu(), Device.cpu()).build());
      SegTrainer one = builder.optDevices(Device.cpu()).build();
      assertArrayEquals(new Device[] {Device.cpu()}, one.devices());
      // batch_size is per device: 5 per shard x 2 shards does not fit 8 samples.
      ConfigException tooBig =
          assertThrows(
              ConfigException.class,
              () ->
                  TrainFixtures.forceShards(
                          builder
                              .optDevices((Device[]) null)
                              .setOptions(
                                  TrainingOptions.builder()
                                      .setBatchSize(5)
                                      .optSaveDir(null)
                                      .build()),
                          2)
                      .build());
      assertTrue(
          tooBig.getMessage().startsWith("batch_size 5 per device x 2 = 10 is larger"),
          tooBig.getMessage());
    }
  }
}
