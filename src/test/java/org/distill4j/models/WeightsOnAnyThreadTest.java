package org.distill4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notebook kernels run cells on threads of their own, where PyTorch's per-thread grad mode may be
 * on; loading weights must work there too and leave the thread's grad mode as it found it.
 */
class WeightsOnAnyThreadTest {
  @TempDir Path tmp;

  @Test
  void weightsLoadOnAThreadWhereAutogradRecords() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      SegmentationModel source = TestBlocks.initialised(manager, 18, 8, 2);
      Path dir = tmp.resolve("best_model");
      source.saveWeights(dir, "model");
      Engine.getInstance().setRandomSeed(4);
      SegmentationModel target = TestBlocks.initialised(manager, 18, 8, 2);
      assertTrue(differs(source, target), "different seeds give different weights");

      AtomicReference<Throwable> failure = new AtomicReference<>();
      boolean[] gradModeAfter = new boolean[1];
      Thread cell =
          new Thread(
              () -> {
                try {
                  JniUtils.setGradMode(true); // as on a fresh libtorch thread
                  target.loadWeights(dir);
                  gradModeAfter[0] = JniUtils.isGradMode();
                } catch (Throwable t) {
                  failure.set(t);
                }
              });
      cell.start();
      cell.join();
      if (failure.get() != null) {
        throw new AssertionError("loading failed on a recording thread", failure.get());
      }
      assertTrue(gradModeAfter[0], "the thread's grad mode is restored");
      assertEquals(false, differs(source, target), "every parameter was copied");
    }
  }

  private static boolean differs(SegmentationModel a, SegmentationModel b) {
    var pa = a.block().getParameters().values();
    var pb = b.block().getParameters().values();
    for (int i = 0; i < pa.size(); i++) {
      if (TestBlocks.maxDiff(pa.get(i).getArray(), pb.get(i).getArray()) > 0) {
        return true;
      }
    }
    return false;
  }
}
