package org.distill4j.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.distill4j.config.ConfigMap;
import org.distill4j.data.Sample;
import org.distill4j.data.SegDataset;
import org.distill4j.losses.CrossEntropyLoss;
import org.distill4j.losses.DistillLossMix;
import org.distill4j.losses.HintLoss;
import org.distill4j.losses.KLLoss;
import org.distill4j.losses.LossMix;
import org.distill4j.models.SegmentationModel;
import org.distill4j.models.TapRecorder;
import org.distill4j.train.SegTrainer;
import org.distill4j.train.TrainFixtures;
import org.distill4j.train.TrainingObjective;
import org.distill4j.train.TrainingOptions;
import org.distill4j.train.optim.ConstantLR;
import org.distill4j.train.optim.Optimizers;
import org.distill4j.train.optim.SegOptimizer;
import org.junit.jupiter.api.Test;

/**
 * Distillation through the data-parallel step: the teacher runs once per shard before the collector
 * opens and each shard's loss uses that shard's teacher output. TinyConv student and teacher (no
 * BatchNorm), logit KL and a feature hint loss: two shards of 2 must train exactly like one batch
 * of 4, and the teacher must not change.
 */
class DistillShardsTest {
  private static final SegDataset DATA = TrainFixtures.randomDataset(8, 8, 4, false);

  static SegmentationModel tiny(NDManager manager, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    SegmentationModel m = TrainFixtures.tinyConvModel(2);
    m.initialize(manager, new Shape(1, 3, 8, 8));
    return m;
  }

  private static DistillObjective objective(SegmentationModel teacher) {
    DistillSpec spec =
        new DistillSpec(
            new StudentAdaptor(Map.of("hidden_0", "backbone")),
            new TeacherAdaptor(Map.of("hidden_0", "backbone")),
            List.of(
                DistillEntry.builder()
                    .setIndices(0, 0)
                    .setLoss(new HintLoss())
                    .optWeight(0.5)
                    .build()));
    return new DistillObjective(
        new FrozenTeacher(teacher, spec.teacherTaps()),
        LossMix.of(CrossEntropyLoss.builder().build()),
        new DistillLossMix(List.of(new KLLoss(2.0, 255)), new double[] {3}),
        spec,
        Arrays.asList((Block) null));
  }

  private static List<Map<String, Double>> distill(
      SegmentationModel student, SegmentationModel teacher, int batchSize, int shards) {
    return distill(student, teacher, batchSize, shards, UnaryOperator.identity());
  }

  /**
   * Trains {@code student} two iterations with the objective {@code wrap} makes of the usual one.
   */
  static List<Map<String, Double>> distill(
      SegmentationModel student,
      SegmentationModel teacher,
      int batchSize,
      int shards,
      UnaryOperator<TrainingObjective> wrap) {
    try (SegOptimizer optimizer = Optimizers.build(ConfigMap.of("type", "sgd", "momentum", 0.9))) {
      TrainFixtures.LossRecorder losses = new TrainFixtures.LossRecorder();
      SegTrainer.Builder builder =
          SegTrainer.builder()
              .setModel(student)
              .setTrainDataset(DATA)
              .setObjective(wrap.apply(objective(teacher)))
              .setOptimizer(optimizer)
              .setSchedule(new ConstantLR(0.5))
              .setOptions(
                  TrainingOptions.builder()
                      .setIters(2)
                      .setBatchSize(batchSize)
                      .optLogIters(1)
                      .optSaveDir(null)
                      .build())
              .addListener(losses);
      TrainFixtures.forceShards(builder, shards).build().train();
      return losses.windows;
    }
  }

  @Test
  void shardedDistillationEqualsWholeBatchDistillation() {
    try (NDManager m = NDManager.newBaseManager()) {
      SegmentationModel teacher = tiny(m, 1);
      SegmentationModel whole = tiny(m, 0);
      SegmentationModel sharded = tiny(m, 0);
      List<float[]> teacherStart = TrainFixtures.parameters(teacher);
      List<float[]> start = TrainFixtures.parameters(whole);
      List<Map<String, Double>> wholeLoss = distill(whole, teacher, 4, 1);
      List<Map<String, Double>> shardLoss = distill(sharded, teacher, 2, 2);
      TrainFixtures.assertSameUpdate(
          start, TrainFixtures.parameters(whole), TrainFixtures.parameters(sharded), 1e-4);
      for (int it = 0; it < 2; it++) {
        for (String term :
            List.of(
                TrainingObjective.TOTAL,
                DistillObjective.OUT_LOSS,
                DistillObjective.OUT_DISTILL_LOSS,
                DistillObjective.FEATURE_DISTILL_LOSS)) {
          assertEquals(wholeLoss.get(it).get(term), shardLoss.get(it).get(term), 1e-6, term);
        }
      }
      List<float[]> teacherEnd = TrainFixtures.parameters(teacher);
      for (int i = 0; i < teacherStart.size(); i++) {
        assertArrayEquals(teacherStart.get(i), teacherEnd.get(i), "teacher parameter " + i);
      }
    }
  }

  /** Teacher outputs are matched to the images they were computed for, not to call order. */
  @Test
  void eachComputeUsesTheTeacherOutputOfItsOwnImages() {
    try (NDManager m = NDManager.newBaseManager()) {
      SegmentationModel teacher = tiny(m, 1);
      SegmentationModel student = tiny(m, 0);
      DistillObjective shared = objective(teacher);
      NDArray[] images = {image(m, 0), image(m, 1)};
      NDArray[] labels = {label(m, 0), label(m, 1)};
      shared.beforeForward(images[0]);
      shared.beforeForward(images[1]);
      float[] sharedKd = new float[2];
      for (int k : new int[] {1, 0}) {
        sharedKd[k] = step(shared, student, images[k], labels[k]);
      }
      for (int k = 0; k < 2; k++) {
        DistillObjective alone = objective(teacher);
        alone.beforeForward(images[k]);
        assertEquals(step(alone, student, images[k], labels[k]), sharedKd[k], 0f, "shard " + k);
      }
      assertThrows(IllegalStateException.class, () -> step(shared, student, images[0], labels[0]));
    }
  }

  private static float step(
      DistillObjective objective, SegmentationModel student, NDArray images, NDArray labels) {
    TapRecorder taps = new TapRecorder(objective.tapPaths());
    ParameterStore ps = new ParameterStore(images.getManager(), false);
    NDList out;
    try (SegmentationModel.Recording r = student.record(taps)) {
      out = student.block().forward(ps, new NDList(images), false);
    }
    Map<String, NDArray> terms =
        objective.compute(new TrainingObjective.Step(out, images, labels, taps, ps));
    return terms.get(DistillObjective.OUT_DISTILL_LOSS).getFloat()
        + terms.get(DistillObjective.FEATURE_DISTILL_LOSS).getFloat();
  }

  private static NDArray image(NDManager m, int i) {
    Sample s = DATA.get(i, null);
    return m.create(s.image, new Shape(1, 3, 8, 8));
  }

  private static NDArray label(NDManager m, int i) {
    return m.create(DATA.get(i, null).label, new Shape(1, 8, 8));
  }
}
