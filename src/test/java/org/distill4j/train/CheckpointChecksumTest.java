package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.distill4j.errors.CheckpointException;
import org.distill4j.models.Checksums;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.optim.Momentum;
import org.distill4j.train.optim.SegOptimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every checkpoint directory carries a manifest, and a damaged file is caught when loaded. */
class CheckpointChecksumTest {
  @TempDir Path saveDir;

  @Test
  void damagedCheckpointsAreRefusedBeforeAnythingLoads() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      SegmentationModel model = TrainFixtures.tinyConvModel(2);
      model.initialize(manager, new Shape(1, 3, 8, 8));
      SegOptimizer optimizer = Momentum.builder().build();
      optimizer.nameParameters(model.block());
      Checkpoints checkpoints = new Checkpoints(saveDir);
      Checkpoints.LoopState state = new Checkpoints.LoopState(2, 0.5, 2);
      Path iter = checkpoints.saveIteration(model, optimizer, state, "iters: 2\n");
      Path best = checkpoints.saveBest(model, state, "iters: 2\n");

      for (Path dir : new Path[] {iter, best}) {
        assertTrue(Checksums.present(dir), dir + " has a manifest");
        Checksums.verifyAll(dir);
      }
      assertEquals(state, Checkpoints.resume(model, optimizer, iter));

      // A truncated optimizer state: the weights would load, the resume must not start.
      Path opt = iter.resolve(Checkpoints.OPTIMIZER_FILE);
      byte[] whole = Files.readAllBytes(opt);
      Files.write(opt, Arrays.copyOf(whole, whole.length - 1));
      CheckpointException resume =
          assertThrows(CheckpointException.class, () -> Checkpoints.resume(model, optimizer, iter));
      assertTrue(resume.getMessage().startsWith(opt + ": does not match"), resume.getMessage());

      // A weights file changed in place: loading best_model (as eval and a teacher do) refuses.
      Path weights = best.resolve("model.params");
      byte[] bytes = Files.readAllBytes(weights);
      bytes[bytes.length - 1] ^= 1;
      Files.write(weights, bytes);
      CheckpointException load =
          assertThrows(CheckpointException.class, () -> model.loadWeights(best));
      assertTrue(load.getMessage().startsWith(weights + ": does not match"), load.getMessage());
    }
  }
}
