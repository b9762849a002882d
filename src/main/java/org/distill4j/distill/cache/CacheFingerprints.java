package org.distill4j.distill.cache;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.distill4j.data.SegDataset;
import org.distill4j.io.Sha256;
import org.distill4j.models.SegmentationModel;

/**
 * The two hashes of the cache: an input's key (the SHA-256 of its float32 values, so an entry is
 * used for that very input only) and the fingerprint of what a whole cache was made from (the
 * teacher's weights, taps and how it computes, the batch size, the training image list and
 * transform outcomes). A cache whose fingerprint differs is rebuilt.
 */
public final class CacheFingerprints {
  private CacheFingerprints() {}

  /** SHA-256 of {@code length} float32 values from {@code offset}, in hex. */
  public static String keyOf(float[] values, int offset, int length) {
    MessageDigest digest = Sha256.digest();
    Sha256.update(digest, values, offset, length);
    return Sha256.hex(digest);
  }

  /**
   * @param computation how the teacher computes ({@code FrozenTeacher.computation()}): its
   *     precision and anything else that changes the numbers it gives, so that a cache made by a
   *     teacher computing otherwise (another {@code teacher_amp}, or an earlier distill4j) is
   *     rebuilt instead of being found different batch by batch
   * @param outcomes the training transforms' outcomes (their text is part of the fingerprint)
   */
  public static String fingerprint(
      SegmentationModel teacher,
      String computation,
      Collection<String> taps,
      String logitSource,
      SegDataset train,
      List<?> outcomes,
      int batchSize) {
    MessageDigest digest = Sha256.digest();
    StringBuilder text = new StringBuilder(CacheManifest.FORMAT);
    text.append('\n').append(teacher.name());
    text.append('\n').append(logitSource).append(' ').append(new TreeSet<>(taps));
    text.append('\n').append(batchSize).append('\n').append(outcomes);
    text.append('\n').append(computation);
    for (int i = 0; i < train.size(); i++) {
      text.append('\n').append(train.imagePath(i));
    }
    digest.update(text.toString().getBytes(StandardCharsets.UTF_8));
    for (Pair<String, Parameter> p : teacher.block().getParameters()) {
      digest.update(p.getKey().getBytes(StandardCharsets.UTF_8));
      float[] v = p.getValue().getArray().toFloatArray();
      Sha256.update(digest, v, 0, v.length);
    }
    return Sha256.hex(digest);
  }
}
