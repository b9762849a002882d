package org.distill4j.data;

/** Derives independent, well-mixed seeds from tuples such as (seed, epoch, position). */
public final class Seeds {
  private Seeds() {}

  /** Folds the parts through SplitMix64's finaliser, so nearby tuples give unrelated seeds. */
  public static long mix(long... parts) {
    long h = 0x9E3779B97F4A7C15L;
    for (long p : parts) {
      h = finish(h ^ finish(p + 0x9E3779B97F4A7C15L));
      h += 0x632BE59BD9B4E019L;
    }
    return h;
  }

  private static long finish(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
