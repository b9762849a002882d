package org.distill4j.data;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

/**
 * A list of image/label pairs with its transforms. {@link #get} reads and transforms one sample;
 * all randomness comes from the given {@code rng}, so a loader can make results independent of
 * thread scheduling.
 */
public interface SegDataset {
  int size();

  Sample get(int index, Random rng);

  int numClasses();

  /** Label value that marks pixels to ignore (255). */
  int ignoreIndex();

  /** {@code train}, {@code val} or {@code test}. */
  String mode();

  Path root();

  Path imagePath(int index);

  /** The label file, or null for test samples without a label. */
  Path labelPath(int index);

  /**
   * The transforms {@link #get} applies, when this dataset reads its samples through a {@link
   * Compose}; empty otherwise.
   */
  default Optional<Compose> sampleTransforms() {
    return Optional.empty();
  }

  /**
   * Reads sample {@code index} through {@code transforms} instead of the dataset's own, as {@link
   * #get} would with them (used to list the inputs a sample can become).
   */
  default Sample get(int index, Compose transforms, Random rng) {
    return transforms.load(imagePath(index), labelPath(index), rng);
  }
}
