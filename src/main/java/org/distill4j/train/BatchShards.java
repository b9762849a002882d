package org.distill4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.data.loader.Batch;

/**
 * Splitting one loaded batch into consecutive per-device shards for data-parallel training, and
 * merging the shards' loss values back into one logged value per term.
 *
 * <p>Shard {@code k} of {@code n} samples over {@code p} parts gets {@code n / p} samples, plus one
 * for the first {@code n % p} shards; empty shards are dropped. Each shard's loss is a mean over
 * its own samples, so the batch's value is the mean of the shards' values weighted by their share
 * of the samples ({@link #weights}); with equal shards (training always loads {@code batch_size x
 * devices} samples) that is the plain mean over shards.
 */
public final class BatchShards {
  private BatchShards() {}

  /** The sample counts of the non-empty shards of {@code n} samples over {@code parts}. */
  public static int[] sizes(int n, int parts) {
    if (n <= 0 || parts <= 0) {
      throw new IllegalArgumentException("need n > 0 and parts > 0, got " + n + ", " + parts);
    }
    int used = Math.min(n, parts);
    int[] sizes = new int[used];
    for (int k = 0; k < used; k++) {
      sizes[k] = n / parts + (k < n % parts ? 1 : 0);
    }
    return sizes;
  }

  /** Consecutive shards of {@code batch}, in sample order; each keeps the batch's epoch, etc. */
  public static List<Batch> split(Batch batch, int parts) {
    int[] sizes = sizes(batch.size, parts);
    int imageSize = batch.channels * batch.height * batch.width;
    int labelSize = batch.labelHeight * batch.labelWidth;
    List<Batch> shards = new ArrayList<>(sizes.length);
    int first = 0;
    for (int size : sizes) {
      int end = first + size;
      int[] labels =
          batch.labels == null
              ? null
              : Arrays.copyOfRange(batch.labels, first * labelSize, end * labelSize);
      shards.add(
          new Batch(
              Arrays.copyOfRange(batch.images, first * imageSize, end * imageSize),
              labels,
              size,
              batch.channels,
              batch.height,
              batch.width,
              batch.labelHeight,
              batch.labelWidth,
              batch.epoch,
              batch.iteration,
              batch.readCostSeconds,
              batch.imagePaths.subList(first, end)));
      first = end;
    }
    return shards;
  }

  /** Each shard's share of the samples: {@code size_k / sum(size)}. */
  public static double[] weights(List<Batch> shards) {
    int total = shards.stream().mapToInt(b -> b.size).sum();
    double[] w = new double[shards.size()];
    for (int k = 0; k < w.length; k++) {
      w[k] = (double) shards.get(k).size / total;
    }
    return w;
  }

  /**
   * Merges per-shard values term by term: {@code sum_k weights[k] * values[k][term]}. Every shard
   * must report the same terms; the order of the first shard's terms is kept.
   */
  public static Map<String, Double> merge(List<Map<String, Double>> values, double[] weights) {
    if (values.size() != weights.length || values.isEmpty()) {
      throw new IllegalArgumentException(
          values.size() + " shard results for " + weights.length + " weights");
    }
    Map<String, Double> merged = new LinkedHashMap<>();
    for (String term : values.get(0).keySet()) {
      double sum = 0;
      for (int k = 0; k < weights.length; k++) {
        Double v = values.get(k).get(term);
        if (v == null || values.get(k).size() != values.get(0).size()) {
          throw new IllegalStateException(
              "shard "
                  + k
                  + " reports terms "
                  + values.get(k).keySet()
                  + ", shard 0 "
                  + values.get(0).keySet());
        }
        sum += weights[k] * v;
      }
      merged.put(term, sum);
    }
    return merged;
  }
}
