package org.distill4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.distill4j.config.ConfigMap;

/**
 * Pair-wise distillation from structured knowledge distillation (Liu et al., CVPR 2019): the
 * student copies the teacher's pixel-to-pixel similarities.
 *
 * <pre>
 * x'      = avg_pool(x, kernel = stride = pool_scale)      skipped when pool_scale = 1
 * f_{n,i} = x'_{n,:,i} / max(‖x'_{n,:,i}‖₂, 1e-12)          unit feature vector of position i
 * S_n     = F_nᵀ F_n,  S_{n,i,j} = f_{n,i} · f_{n,j}       (h·w × h·w) cosine similarities
 * loss    = 1/(N·(h·w)²) · Σ_n Σ_i Σ_j (S(s)_{n,i,j} − S(t)_{n,i,j})²
 * </pre>
 *
 * <p>where h·w is the number of positions after pooling. Pooling uses ceil mode: when H or W is not
 * a multiple of {@code pool_scale}, the last window is smaller and averages only the positions it
 * covers. Since S holds (h·w)² numbers per sample, pool large maps (a 64×64 map gives 16.8 M
 * entries per sample; {@code pool_scale: 4} gives 65 k). The CIRKD benchmark instead max-pools to a
 * fixed 2×2 grid of patches.
 *
 * <p>The similarities do not depend on the channel count, so student and teacher may have different
 * channel counts; batch size and spatial size (H, W) must match. The labels are ignored.
 *
 * <p>Config key: {@code pool_scale} (default 1, an integer {@code >= 1}).
 */
public final class PairwiseSimilarityLoss implements DistillLoss {
  private final int poolScale;

  /**
   * @param poolScale the average-pooling factor applied to both maps first, {@code >= 1}
   */
  public PairwiseSimilarityLoss(int poolScale) {
    if (poolScale < 1) {
      throw new IllegalArgumentException("pool_scale must be an integer >= 1, got " + poolScale);
    }
    this.poolScale = poolScale;
  }

  /** No pooling. */
  public PairwiseSimilarityLoss() {
    this(1);
  }

  /** Builds from {@code {type: PairwiseSimilarityLoss, pool_scale: 2}}. */
  public static PairwiseSimilarityLoss fromConfig(ConfigMap config) {
    config.requireKnownKeys("pool_scale");
    int poolScale = config.optInt("pool_scale", 1);
    if (poolScale < 1) {
      throw config.error("pool_scale", "must be an integer >= 1, got " + poolScale);
    }
    return new PairwiseSimilarityLoss(poolScale);
  }

  @Override
  public String name() {
    return "PairwiseSimilarityLoss";
  }

  public int poolScale() {
    return poolScale;
  }

  /** {@inheritDoc} The labels are ignored; channel counts may differ. */
  @Override
  public NDArray evaluate(NDArray student, NDArray teacher, NDArray labelsOrNull) {
    FeatureMaps.checkSameBatchAndSize(name(), student, teacher);
    return similarity(student).sub(similarity(teacher)).square().mean();
  }

  /** The cosine similarities of all position pairs, {@code (N, h·w, h·w)}. */
  NDArray similarity(NDArray x) {
    NDArray pooled = x;
    if (poolScale > 1) {
      Shape window = new Shape(poolScale, poolScale);
      pooled = Pool.avgPool2d(x, window, window, new Shape(0, 0), true, false);
    }
    Shape shape = pooled.getShape();
    NDArray features = pooled.reshape(shape.get(0), shape.get(1), -1);
    NDArray unit = FeatureMaps.l2Normalize(features, 1);
    return unit.transpose(0, 2, 1).batchMatMul(unit);
  }
}
