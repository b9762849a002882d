package org.distill4j.engine;

/** Differences between DJL engine lines live here; this copy is for DJL 0.36 / PyTorch 2.7.1. */
public final class EngineCompat {
  private EngineCompat() {}

  /** The DJL line this build was compiled against. */
  public static String djlLine() {
    return "0.36";
  }
}
