package org.distill4j.io.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the unpickler makes of a pickled numpy array: {@code _reconstruct(ndarray, (0,), b'b')}
 * creates it empty, then its state (version, shape, dtype, Fortran flag, raw bytes) is set. Public
 * only because the unpickler sets the state through reflection.
 */
public final class NumpyArray {
  private long[] shape;
  private NumpyDtype dtype;
  private boolean fortran;
  private byte[] data;

  NumpyArray() {}

  /**
   * numpy's array state: {@code (version, shape, dtype, is_fortran, data)}, or without the version
   * in very old files. Data arrive as bytes (protocol 3+) or, in protocol 2, as a latin-1 string
   * that the unpickler turns into bytes through {@code _codecs.encode}.
   */
  public void __setstate__(Object[] state) {
    int at = state.length == 5 ? 1 : 0;
    if (state.length - at != 4) {
      throw new IllegalArgumentException("a numpy array state of " + state.length + " items");
    }
    shape = dims(state[at]);
    if (!(state[at + 1] instanceof NumpyDtype d)) {
      throw new IllegalArgumentException("a numpy array without a dtype");
    }
    dtype = d;
    fortran = Boolean.TRUE.equals(state[at + 2]);
    Object raw = state[at + 3];
    if (raw instanceof byte[] b) {
      data = b;
    } else if (raw instanceof String s) {
      data = s.getBytes(StandardCharsets.ISO_8859_1);
    } else {
      throw new IllegalArgumentException(
          "a numpy array of dtype " + dtype + " holding Python objects, not numbers");
    }
  }

  private static long[] dims(Object shape) {
    Object[] items = shape instanceof List<?> l ? l.toArray() : (Object[]) shape;
    long[] out = new long[items.length];
    for (int i = 0; i < items.length; i++) {
      out[i] = ((Number) items[i]).longValue();
    }
    return out;
  }

  NumpyDtype dtype() {
    return dtype;
  }

  /**
   * The values as float32 in row-major order.
   *
   * @throws IllegalArgumentException for a dtype that is not a number or a size that does not fit
   */
  HostArray toHostArray() {
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    int size = dtype.itemSize();
    if (size <= 0 || "fiub".indexOf(dtype.kind()) < 0) {
      throw new IllegalArgumentException("dtype " + dtype + " is not a number type");
    }
    if (count * size != data.length) {
      throw new IllegalArgumentException(
          "shape and dtype "
              + dtype
              + " need "
              + count * size
              + " bytes, the file holds "
              + data.length);
    }
    ByteBuffer buf =
        ByteBuffer.wrap(data)
            .order(dtype.littleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    float[] values = new float[(int) count];
    for (int i = 0; i < values.length; i++) {
      values[i] = element(buf, i * size);
    }
    if (fortran && shape.length > 1) {
      values = fortranToRowMajor(values, shape);
    }
    return new HostArray(shape.clone(), values);
  }

  private float element(ByteBuffer buf, int at) {
    int size = dtype.itemSize();
    switch (dtype.kind()) {
      case 'f':
        return switch (size) {
          case 2 -> halfToFloat(buf.getShort(at));
          case 4 -> buf.getFloat(at);
          case 8 -> (float) buf.getDouble(at);
          default -> throw new IllegalArgumentException("float of " + size + " bytes");
        };
      case 'i':
        return switch (size) {
          case 1 -> buf.get(at);
          case 2 -> buf.getShort(at);
          case 4 -> buf.getInt(at);
          case 8 -> buf.getLong(at);
          default -> throw new IllegalArgumentException("integer of " + size + " bytes");
        };
      case 'u':
        return switch (size) {
          case 1 -> buf.get(at) & 0xff;
          case 2 -> buf.getShort(at) & 0xffff;
          case 4 -> buf.getInt(at) & 0xffffffffL;
          default -> throw new IllegalArgumentException("unsigned integer of " + size + " bytes");
        };
      case 'b':
        return buf.get(at) != 0 ? 1f : 0f;
      default:
        throw new IllegalArgumentException("dtype " + dtype);
    }
  }

  /** IEEE 754 binary16 to binary32 (Java 17 has no built-in conversion). */
  static float halfToFloat(short half) {
    int h = half & 0xffff;
    int sign = (h >>> 15) << 31;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) { // infinity or NaN
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) { // zero or subnormal: mantissa * 2^-24
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }

  /** Fortran order varies the first index fastest; row-major the last. */
  static float[] fortranToRowMajor(float[] values, long[] shape) {
    int n = shape.length;
    float[] out = new float[values.length];
    int[] index = new int[n];
    for (int flat = 0; flat < values.length; flat++) {
      // index is the row-major multi-index of `flat`; find its Fortran offset.
      int offset = 0;
      int stride = 1;
      for (int d = 0; d < n; d++) {
        offset += index[d] * stride;
        stride *= (int) shape[d];
      }
      out[flat] = values[offset];
      for (int d = n - 1; d >= 0; d--) {
        if (++index[d] < shape[d]) {
          break;
        }
        index[d] = 0;
      }
    }
    return out;
  }
}
