package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.distill4j.data.loader.Batch;
import org.junit.jupiter.api.Test;

/** Shard sizes, contents and weights, and the merge of per-shard loss values. */
class BatchShardsTest {
  /** A batch of n samples, 2 channels of 1x3 pixels; sample i's values are 100*i + offset. */
  private static Batch batch(int n, boolean labelled) {
    float[] images = new float[n * 6];
    int[] labels = labelled ? new int[n * 3] : null;
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 6; j++) {
        images[i * 6 + j] = 100 * i + j;
      }
      if (labelled) {
        for (int j = 0; j < 3; j++) {
          labels[i * 3 + j] = 10 * i + j;
        }
      }
      paths.add("img" + i);
    }
    return new Batch(images, labels, n, 2, 1, 3, 1, 3, 4, 17, 0.25, paths);
  }

  @Test
  void sizesSpreadTheRemainderOverTheFirstShards() {
    assertArrayEquals(new int[] {3, 2}, BatchShards.sizes(5, 2));
    assertArrayEquals(new int[] {4, 4}, BatchShards.sizes(8, 2));
    assertArrayEquals(new int[] {2, 2, 1, 1}, BatchShards.sizes(6, 4));
    assertArrayEquals(new int[] {1, 1}, BatchShards.sizes(2, 3), "no empty shards");
    assertArrayEquals(new int[] {7}, BatchShards.sizes(7, 1));
    assertThrows(IllegalArgumentException.class, () -> BatchShards.sizes(0, 2));
  }

  @Test
  void splitKeepsSampleOrderAndEveryField() {
    List<Batch> shards = BatchShards.split(batch(5, true), 2);
    assertEquals(2, shards.size());
    Batch a = shards.get(0);
    Batch b = shards.get(1);
    assertEquals(3, a.size);
    assertEquals(2, b.size);
    assertEquals(List.of("img0", "img1", "img2"), a.imagePaths);
    assertEquals(List.of("img3", "img4"), b.imagePaths);
    assertArrayEquals(
        new float[] {300, 301, 302, 303, 304, 305, 400, 401, 402, 403, 404, 405}, b.images);
    assertEquals(18, a.images.length);
    assertEquals(200, a.images[12]);
    assertArrayEquals(new int[] {30, 31, 32, 40, 41, 42}, b.labels);
    assertEquals(9, a.labels.length);
    for (Batch s : shards) {
      assertEquals(2, s.channels);
      assertEquals(1, s.height);
      assertEquals(3, s.width);
      assertEquals(1, s.labelHeight);
      assertEquals(3, s.labelWidth);
      assertEquals(4, s.epoch);
      assertEquals(17, s.iteration);
    }
    assertNull(BatchShards.split(batch(4, false), 2).get(1).labels);
  }

  @Test
  void weightsAreSampleShares() {
    assertArrayEquals(
        new double[] {0.6, 0.4}, BatchShards.weights(BatchShards.split(batch(5, true), 2)), 1e-15);
    assertArrayEquals(
        new double[] {0.5, 0.5}, BatchShards.weights(BatchShards.split(batch(8, true), 2)));
  }

  @Test
  void mergeIsTheWeightedMeanPerTerm() {
    Map<String, Double> a = new LinkedHashMap<>();
    a.put("loss", 2.0);
    a.put("out_loss", 1.0);
    Map<String, Double> b = new LinkedHashMap<>();
    b.put("out_loss", 3.0);
    b.put("loss", 4.0);
    Map<String, Double> equal = BatchShards.merge(List.of(a, b), new double[] {0.5, 0.5});
    assertEquals(List.of("loss", "out_loss"), List.copyOf(equal.keySet()));
    assertEquals(3.0, equal.get("loss"));
    assertEquals(2.0, equal.get("out_loss"));
    Map<String, Double> unequal = BatchShards.merge(List.of(a, b), new double[] {0.6, 0.4});
    assertEquals(0.6 * 2 + 0.4 * 4, unequal.get("loss"), 1e-15);
    assertThrows(
        IllegalStateException.class,
        () -> BatchShards.merge(List.of(a, Map.of("loss", 1.0)), new double[] {0.5, 0.5}));
  }

  /**
   * DJL's ParameterStore pairs device copies with device indices through a ConcurrentHashMap's
   * iteration order; the order handed to it must be a fixed point of that map, whatever devices are
   * listed.
   */
  @Test
  void storeOrderIsTheHashMapsOwnOrder() {
    List<Device[]> lists = new ArrayList<>();
    lists.add(new Device[] {Device.gpu(0), Device.gpu(1)});
    lists.add(new Device[] {Device.gpu(10), Device.gpu(11), Device.gpu(12)});
    Device[] sixteen = new Device[16];
    for (int i = 0; i < 16; i++) {
      sixteen[i] = Device.gpu(i);
    }
    lists.add(sixteen);
    for (Device[] devices : lists) {
      Device[] ordered = DataParallelStep.inStoreOrder(devices);
      assertEquals(devices.length, ordered.length);
      Map<Device, Integer> map = new ConcurrentHashMap<>();
      for (int i = 0; i < ordered.length; i++) {
        map.put(ordered[i], i);
      }
      int position = 0;
      for (Map.Entry<Device, Integer> e : map.entrySet()) {
        assertEquals(position++, e.getValue(), "index of " + e.getKey());
      }
    }
    // The common case keeps its order.
    assertArrayEquals(lists.get(0), DataParallelStep.inStoreOrder(lists.get(0)));
  }
}
