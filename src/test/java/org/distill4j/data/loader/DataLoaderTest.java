package org.distill4j.data.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.data.Compose;
import org.distill4j.data.OpticDiscSeg;
import org.distill4j.data.Sample;
import org.distill4j.data.Seeds;
import org.distill4j.data.SegDataset;
import org.distill4j.synthetic.SyntheticFundusGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Order, reproducibility, resume and error handling of the batch stream. */
class DataLoaderTest {
  @TempDir Path dir;

  /**
   * An in-memory dataset: sample i is a 1x1x2 image {i, draw from rng} with label {i}. It can be
   * slowed down per index (to make workers finish out of order) or fail at one index.
   */
  static final class FakeDataset implements SegDataset {
    final int n;
    final int failAt;
    final ConfigException failure = new ConfigException("sample is broken");

    FakeDataset(int n, int failAt) {
      this.n = n;
      this.failAt = failAt;
    }

    @Override
    public int size() {
      return n;
    }

    @Override
    public Sample get(int index, Random rng) {
      if (index == failAt) {
        throw failure;
      }
      try {
        Thread.sleep((index * 7) % 4);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      float[] image = {index, rng.nextFloat()};
      return new Sample(image, 1, 1, 2, new int[] {index}, 1, 1, "s" + index, 1, 2);
    }

    @Override
    public int numClasses() {
      return n;
    }

    @Override
    public int ignoreIndex() {
      return 255;
    }

    @Override
    public String mode() {
      return "train";
    }

    @Override
    public Path root() {
      return Path.of("fake");
    }

    @Override
    public Path imagePath(int index) {
      return Path.of("s" + index);
    }

    @Override
    public Path labelPath(int index) {
      return null;
    }
  }

  private static DataLoader loader(SegDataset ds, int batch, int workers) {
    return DataLoader.builder()
        .setDataset(ds)
        .setBatchSize(batch)
        .optShuffle(true)
        .optDropLast(true)
        .optNumWorkers(workers)
        .optSeed(11L)
        .build();
  }

  private static List<Batch> take(Iterator<Batch> it, int count) {
    List<Batch> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(it.next());
    }
    return out;
  }

  private static void assertSameBatches(List<Batch> a, List<Batch> b) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).iteration, b.get(i).iteration);
      assertEquals(a.get(i).epoch, b.get(i).epoch);
      assertArrayEquals(a.get(i).images, b.get(i).images, 0f, "batch " + i);
      assertArrayEquals(a.get(i).labels, b.get(i).labels, "batch " + i);
    }
  }

  @Test
  void epochsAreShuffledPermutationsWithDropLast() {
    try (DataLoader dl = loader(new FakeDataset(10, -1), 4, 0)) {
      assertEquals(2, dl.batchesPerEpoch());
      List<Batch> batches = take(dl.stream(0), 6);
      for (int e = 0; e < 3; e++) {
        int[] seen = new int[8];
        System.arraycopy(batches.get(2 * e).labels, 0, seen, 0, 4);
        System.arraycopy(batches.get(2 * e + 1).labels, 0, seen, 4, 4);
        int[] order = dl.epochOrder(e);
        assertArrayEquals(Arrays.copyOf(order, 8), seen, "epoch " + e + " follows epochOrder");
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sorted);
        assertEquals(e, batches.get(2 * e).epoch);
        assertEquals(2L * e + 1, batches.get(2 * e + 1).iteration);
      }
      assertFalse(Arrays.equals(dl.epochOrder(0), dl.epochOrder(1)), "epochs differ");
    }
  }

  @Test
  void keepLastGivesShortFinalBatchAndNoShuffleKeepsOrder() {
    try (DataLoader dl =
        DataLoader.builder().setDataset(new FakeDataset(10, -1)).setBatchSize(4).build()) {
      assertEquals(3, dl.batchesPerEpoch());
      List<Batch> b = take(dl.stream(0), 3);
      assertArrayEquals(new int[] {0, 1, 2, 3}, b.get(0).labels);
      assertEquals(2, b.get(2).size);
      assertArrayEquals(new int[] {8, 9}, b.get(2).labels);
    }
  }

  @Test
  void sampleRandomnessDependsOnEpochAndPositionOnly() {
    try (DataLoader dl = loader(new FakeDataset(10, -1), 4, 0)) {
      Batch b = dl.stream(3).next(); // epoch 1, positions 4..7
      int[] order = dl.epochOrder(1);
      for (int k = 0; k < 4; k++) {
        float expected = new Random(Seeds.mix(11L, 1, 4 + k)).nextFloat();
        assertEquals(order[4 + k], (int) b.images[2 * k]);
        assertEquals(expected, b.images[2 * k + 1], 0f);
      }
    }
  }

  @Test
  void identicalBatchesForZeroOneAndThreeWorkers() {
    List<Batch> reference;
    try (DataLoader dl = loader(new FakeDataset(23, -1), 3, 0)) {
      reference = take(dl.stream(0), 20);
    }
    for (int workers : new int[] {1, 3}) {
      try (DataLoader dl = loader(new FakeDataset(23, -1), 3, workers)) {
        assertSameBatches(reference, take(dl.stream(0), 20));
      }
    }
  }

  @Test
  void resumeAtIterationKEqualsKthBatchOfFreshStream() {
    try (DataLoader dl = loader(new FakeDataset(10, -1), 4, 2)) {
      List<Batch> fresh = take(dl.stream(0), 9);
      for (int k : new int[] {1, 2, 5, 8}) {
        assertSameBatches(fresh.subList(k, 9), take(dl.stream(k), 9 - k));
      }
    }
  }

  @Test
  void prefetchDeliversInOrderDespiteUnevenLoadTimes() {
    try (DataLoader dl = loader(new FakeDataset(40, -1), 1, 3)) {
      Iterator<Batch> it = dl.stream(5);
      for (long i = 5; i < 60; i++) {
        Batch b = it.next();
        assertEquals(i, b.iteration);
        assertEquals(dl.epochOrder((int) (i / 40))[(int) (i % 40)], b.labels[0]);
        assertTrue(b.readCostSeconds >= 0);
      }
    }
  }

  @Test
  void boundedStreamStopsAtEndAndNewStreamStopsOldOne() {
    try (DataLoader dl = loader(new FakeDataset(10, -1), 2, 2)) {
      List<Batch> reference = take(dl.stream(0), 8);
      Iterator<Batch> epoch = dl.stream(3, 3 + dl.batchesPerEpoch());
      List<Batch> got = new ArrayList<>();
      while (epoch.hasNext()) {
        got.add(epoch.next());
      }
      assertSameBatches(reference.subList(3, 8), got);
      assertThrows(java.util.NoSuchElementException.class, epoch::next);
      Iterator<Batch> old = dl.stream(0);
      old.next();
      Iterator<Batch> replacement = dl.stream(4);
      assertFalse(old.hasNext());
      assertThrows(IllegalStateException.class, old::next);
      assertEquals(4L, replacement.next().iteration);
    }
  }

  @Test
  void workerExceptionIsRethrownOnConsumerThread() {
    FakeDataset ds = new FakeDataset(8, 5);
    try (DataLoader dl =
        DataLoader.builder().setDataset(ds).setBatchSize(2).optNumWorkers(2).build()) {
      Iterator<Batch> it = dl.stream(0);
      it.next();
      it.next();
      ConfigException e = assertThrows(ConfigException.class, it::next);
      assertSame(ds.failure, e);
    }
  }

  @Test
  void batchLargerThanDatasetWithDropLastIsAConfigError() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> loader(new FakeDataset(3, -1), 4, 0));
    assertTrue(e.getMessage().contains("batch_size 4"), e.getMessage());
    assertTrue(e.getMessage().contains("3 samples"), e.getMessage());
  }

  @Test
  void collateRejectsMixedSizes() {
    Sample a = new Sample(new float[3 * 4], 3, 2, 2, null, 0, 0, "a.jpg", 2, 2);
    Sample b = new Sample(new float[3 * 6], 3, 2, 3, null, 0, 0, "b.jpg", 2, 3);
    ConfigException e =
        assertThrows(ConfigException.class, () -> DataLoader.collate(List.of(a, b), 0, 0));
    String m = e.getMessage();
    assertTrue(m.contains("3x2x2") && m.contains("3x2x3"), m);
    assertTrue(m.contains("fixed size"), m);
  }

  @Test
  void collateStacksImagesAndLabels() {
    Sample a = new Sample(new float[] {1, 2}, 2, 1, 1, new int[] {0}, 1, 1, "a", 1, 1);
    Sample b = new Sample(new float[] {3, 4}, 2, 1, 1, new int[] {1}, 1, 1, "b", 1, 1);
    Batch batch = DataLoader.collate(List.of(a, b), 2, 17);
    assertArrayEquals(new float[] {1, 2, 3, 4}, batch.images, 0f);
    assertArrayEquals(new int[] {0, 1}, batch.labels);
    assertEquals(List.of("a", "b"), batch.imagePaths);
    assertEquals(17L, batch.iteration);
    assertEquals(2, batch.epoch);
  }

  @Test
  void closeStopsWorkerThreads() throws Exception {
    DataLoader dl = loader(new FakeDataset(30, -1), 2, 3);
    Iterator<Batch> it = dl.stream(0);
    it.next();
    dl.close();
    assertFalse(it.hasNext());
    long deadline = System.currentTimeMillis() + 5000;
    while (liveWorkers() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, liveWorkers());
  }

  private static long liveWorkers() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("distill4j-data-") && t.isAlive())
        .count();
  }

  @Test
  void realTransformsGiveIdenticalBatchesWithAndWithoutWorkers() {
    Path root = dir.resolve("set");
    SyntheticFundusGenerator.builder()
        .optTrain(6)
        .optVal(0)
        .optTest(0)
        .optImageSize(64, 48)
        .optSeed(3)
        .build()
        .generate(root);
    List<ConfigMap> transforms =
        List.of(
            ConfigMap.of("type", "ResizeStepScaling", "min_scale_factor", 0.5),
            ConfigMap.of("type", "RandomPaddingCrop", "crop_size", List.of(40, 32)),
            ConfigMap.of("type", "RandomHorizontalFlip"),
            ConfigMap.of("type", "RandomDistort"),
            ConfigMap.of("type", "Normalize"));
    SegDataset ds =
        OpticDiscSeg.builder()
            .optRoot(root)
            .optTransforms(Compose.fromConfig(transforms, "train"))
            .build();
    List<Batch> serial;
    try (DataLoader dl = loader(ds, 2, 0)) {
      serial = take(dl.stream(0), 6);
    }
    try (DataLoader dl = loader(ds, 2, 2)) {
      assertSameBatches(serial, take(dl.stream(0), 6));
    }
    assertEquals(40, serial.get(0).width);
    assertEquals(32, serial.get(0).labelHeight);
    assertNotEquals(
        Arrays.hashCode(serial.get(0).images),
        Arrays.hashCode(serial.get(3).images),
        "epochs augment differently");
  }
}
