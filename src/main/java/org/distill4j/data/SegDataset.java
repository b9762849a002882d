package org.distill4j.data;

import java.nio.file.Path;
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
}
