package org.distill4j.io.weights;

import java.nio.file.Path;
import java.util.Map;

/** Paddle's {@code paddle.save} state-dict files ({@code .pdparams}). */
public final class Pdparams {
  private Pdparams() {}

  /** Every array of {@code file} by structured name, in file order. */
  public static Map<String, HostArray> read(Path file) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Writes {@code arrays} (structured name to array) as a protocol-4 {@code .pdparams} file. */
  public static void write(Map<String, HostArray> arrays, Path file) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
