package org.distill4j.io.weights;

/**
 * What the unpickler makes of {@code numpy.dtype(code, align, copy)} and its state: the type code
 * ({@code f4}, {@code <f2}, {@code i8} ...) and byte order. Public only because the unpickler sets
 * the state through reflection.
 */
public final class NumpyDtype {
  private final String code;
  private char byteOrder = '=';

  NumpyDtype(String code) {
    String c = code;
    if (!c.isEmpty() && "<>|=".indexOf(c.charAt(0)) >= 0) {
      byteOrder = c.charAt(0);
      c = c.substring(1);
    }
    this.code = c;
  }

  /** numpy's dtype state: (version, byte order, ...); only the byte order matters here. */
  public void __setstate__(Object[] state) {
    if (state.length > 1 && state[1] instanceof String order && order.length() == 1) {
      byteOrder = order.charAt(0);
    }
  }

  /** The kind letter: f (float), i (signed), u (unsigned), b (bool), or another numpy kind. */
  char kind() {
    return code.isEmpty() ? '?' : code.charAt(0);
  }

  /** Bytes per element, or -1 for a code without a size (objects, strings). */
  int itemSize() {
    try {
      return Integer.parseInt(code.substring(1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return -1;
    }
  }

  /**
   * True unless the bytes are big-endian ({@code '='} is the writer's native order: x86 and ARM are
   * little-endian).
   */
  boolean littleEndian() {
    return byteOrder != '>';
  }

  @Override
  public String toString() {
    return (byteOrder == '=' || byteOrder == '|' ? "" : String.valueOf(byteOrder)) + code;
  }
}
