package org.distill4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.engine.OwnedArrays;

/**
 * Pixel-wise softmax cross-entropy with PaddleSeg's semantics.
 *
 * <p>Per pixel {@code l_p = -coef_p * log_softmax(z_p)[y_p]}, 0 where {@code y_p} is the ignore
 * index; {@code coef_p} is the class weight of the pixel's label (1 without weights). The result is
 * {@code mean(l) / (mean(mask * coef) + 1e-8)}: the (weighted) mean over the pixels that count.
 * With {@code top_k_percent_pixels < 1} only the {@code int(p * N*H*W)} largest pixel losses are
 * kept (hard-pixel mining) and their sum is divided by the mean coef of the kept pixels, ignored
 * pixels included as PaddleSeg does.
 *
 * <p>Config keys: {@code weight} (list, one per class), {@code ignore_index} (255), {@code
 * top_k_percent_pixels} (1.0), {@code data_format} (only {@code NCHW}).
 */
public final class CrossEntropyLoss implements SegLoss {
  static final float EPS = 1e-8f;

  private final float[] weight;
  private final int ignoreIndex;
  private final double topKPercentPixels;
  private final String weightLocation;

  private CrossEntropyLoss(Builder builder) {
    this.weight = builder.weight;
    this.ignoreIndex = builder.ignoreIndex;
    this.topKPercentPixels = builder.topKPercentPixels;
    this.weightLocation = builder.weightLocation;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds from a {@code {type: CrossEntropyLoss, ...}} mapping. */
  public static CrossEntropyLoss fromConfig(ConfigMap config) {
    config.requireKnownKeys("weight", "ignore_index", "top_k_percent_pixels", "data_format");
    String format = config.optString("data_format", "NCHW");
    if (!"NCHW".equals(format)) {
      throw config.error("data_format", "only NCHW is supported, got '" + format + "'");
    }
    Builder builder = builder().optIgnoreIndex(config.optInt("ignore_index", 255));
    double topK = config.optDouble("top_k_percent_pixels", 1.0);
    if (!(topK > 0 && topK <= 1)) {
      throw config.error("top_k_percent_pixels", "must be in (0, 1], got " + topK);
    }
    builder.optTopKPercentPixels(topK);
    if (config.has("weight")) {
      double[] w = config.getDoubleArray("weight");
      for (int i = 0; i < w.length; i++) {
        if (w[i] < 0) {
          throw config.error("weight", "class weights must be >= 0, got " + w[i] + " at " + i);
        }
      }
      builder.optWeight(w);
      builder.weightLocation = config.file() + ": " + config.childPath("weight");
    }
    return builder.build();
  }

  @Override
  public String name() {
    return "CrossEntropyLoss";
  }

  public int ignoreIndex() {
    return ignoreIndex;
  }

  double topKPercentPixels() {
    return topKPercentPixels;
  }

  /** Per-class weights as a (1, C, 1, 1) array for soft targets, or null without weights. */
  NDArray weightColumn(NDManager manager, ai.djl.Device device) {
    if (weight == null) {
      return null;
    }
    return OwnedArrays.copyOf(manager, weight, new Shape(1, weight.length, 1, 1))
        .toDevice(device, false);
  }

  @Override
  public NDArray evaluate(NDArray logits, NDArray labels) {
    Shape shape = logits.getShape();
    NDArray labels64 = SegLabels.normalize(labels, shape, name());
    int numClasses = (int) shape.get(1);
    checkWeightLength(numClasses);
    NDArray mask = SegLabels.validMask(labels64, ignoreIndex);
    NDArray index = SegLabels.safeIndex(labels64, mask, numClasses, name());
    NDArray logProb = logits.logSoftmax(1);
    NDArray picked = logProb.gather(index.expandDims(1), 1).squeeze(1);
    NDArray coef = classCoef(index, logits.getManager());
    NDArray pixelLoss = picked.neg().mul(mask);
    if (coef != null) {
      pixelLoss = pixelLoss.mul(coef);
    }
    return reduce(pixelLoss, mask, coef, topKPercentPixels);
  }

  /** Per-pixel class weight of the label, or null without class weights. */
  NDArray classCoef(NDArray index, NDManager manager) {
    if (weight == null) {
      return null;
    }
    NDArray table =
        OwnedArrays.copyOf(manager, weight, new Shape(weight.length))
            .toDevice(index.getDevice(), false);
    return table.take(index);
  }

  void checkWeightLength(int numClasses) {
    if (weight != null && weight.length != numClasses) {
      String message =
          "has "
              + weight.length
              + " class weights but the logits have "
              + numClasses
              + " classes; give one weight per class";
      throw new ConfigException(
          (weightLocation == null ? name() + " weight" : weightLocation) + ": " + message);
    }
  }

  /**
   * PaddleSeg's reduction of masked (and weighted) pixel losses: the average over counted pixels,
   * or over the hardest {@code topK} fraction of all pixels.
   *
   * @param coef per-pixel class weight, null for all ones
   */
  static NDArray reduce(NDArray pixelLoss, NDArray mask, NDArray coef, double topK) {
    if (topK >= 1.0) {
      NDArray counted = coef == null ? mask : mask.mul(coef);
      return pixelLoss.mean().div(counted.mean().add(EPS));
    }
    NDArray flat = pixelLoss.reshape(-1);
    long numel = flat.size();
    int k = (int) Math.max(1, Math.min(numel, (long) (topK * numel)));
    NDList top = flat.topK(k, 0, true, false);
    NDArray kept = top.get(0);
    NDArray keptCoef =
        coef == null
            ? kept.onesLike()
            : coef.reshape(-1).gather(top.get(1), 0).toType(DataType.FLOAT32, false);
    return kept.mean().div(keptCoef.mean().add(EPS));
  }

  /** Builder with PaddleSeg's defaults. */
  public static final class Builder {
    private float[] weight;
    private int ignoreIndex = 255;
    private double topKPercentPixels = 1.0;
    private String weightLocation;

    private Builder() {}

    /** Class weights, one per class; null for none. */
    public Builder optWeight(double... weight) {
      if (weight == null) {
        this.weight = null;
        return this;
      }
      this.weight = new float[weight.length];
      for (int i = 0; i < weight.length; i++) {
        this.weight[i] = (float) weight[i];
      }
      return this;
    }

    public Builder optIgnoreIndex(int ignoreIndex) {
      this.ignoreIndex = ignoreIndex;
      return this;
    }

    /** Fraction of pixels kept by hard-pixel mining, in (0, 1]; 1 keeps all. */
    public Builder optTopKPercentPixels(double topKPercentPixels) {
      if (!(topKPercentPixels > 0 && topKPercentPixels <= 1)) {
        throw new IllegalArgumentException(
            "top_k_percent_pixels must be in (0, 1], got " + topKPercentPixels);
      }
      this.topKPercentPixels = topKPercentPixels;
      return this;
    }

    public CrossEntropyLoss build() {
      return new CrossEntropyLoss(this);
    }
  }
}
