package org.distill4j.io.weights;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes a dict of float32 numpy arrays as a protocol-4 Python pickle, with the opcodes Python's
 * own pickler emits for {@code pickle.dump(state_dict, f, protocol=4)} (less its optional frames
 * and memo), so that {@code pickle.load} with numpy, and therefore {@code paddle.load}, reads it.
 * The unpickling side of this project uses a library; writing this one fixed shape by hand keeps
 * the protocol version under our control (the library writes protocol 2).
 */
final class NumpyPickleWriter {
  private static final int PROTO = 0x80;
  private static final int EMPTY_DICT = '}';
  private static final int MARK = '(';
  private static final int SETITEMS = 'u';
  private static final int STOP = '.';
  private static final int SHORT_BINUNICODE = 0x8c;
  private static final int BINUNICODE = 'X';
  private static final int STACK_GLOBAL = 0x93;
  private static final int BININT1 = 'K';
  private static final int BININT = 'J';
  private static final int TUPLE = 't';
  private static final int TUPLE1 = 0x85;
  private static final int TUPLE3 = 0x87;
  private static final int SHORT_BINBYTES = 'C';
  private static final int BINBYTES = 'B';
  private static final int BINBYTES8 = 0x8e;
  private static final int REDUCE = 'R';
  private static final int BUILD = 'b';
  private static final int NONE = 'N';
  private static final int NEWTRUE = 0x88;
  private static final int NEWFALSE = 0x89;

  private final DataOutputStream out;

  NumpyPickleWriter(OutputStream out) {
    this.out = new DataOutputStream(out);
  }

  void writeDict(Map<String, HostArray> arrays) throws IOException {
    out.write(PROTO);
    out.write(4);
    out.write(EMPTY_DICT);
    out.write(MARK);
    for (Map.Entry<String, HostArray> e : arrays.entrySet()) {
      string(e.getKey());
      array(e.getValue());
    }
    out.write(SETITEMS);
    out.write(STOP);
    out.flush();
  }

  /** {@code _reconstruct(ndarray, (0,), b'b')}, then its state. */
  private void array(HostArray a) throws IOException {
    global("numpy.core.multiarray", "_reconstruct");
    global("numpy", "ndarray");
    out.write(BININT1);
    out.write(0);
    out.write(TUPLE1);
    out.write(SHORT_BINBYTES);
    out.write(1);
    out.write('b');
    out.write(TUPLE3);
    out.write(REDUCE);
    // state: (1, shape, dtype('<f4'), False, raw bytes)
    out.write(MARK);
    out.write(BININT1);
    out.write(1);
    out.write(MARK);
    for (long d : a.shape()) {
      if (d > Integer.MAX_VALUE) {
        throw new IOException("a dimension of " + d + " is too large for this writer");
      }
      out.write(BININT);
      out.writeInt(Integer.reverseBytes((int) d));
    }
    out.write(TUPLE);
    float32Dtype();
    out.write(NEWFALSE);
    bytes(littleEndian(a.values()));
    out.write(TUPLE);
    out.write(BUILD);
  }

  /**
   * {@code dtype('f4', False, True)} with numpy's state {@code (3, '<', None, None, None, -1, -1,
   * 0)}.
   */
  private void float32Dtype() throws IOException {
    global("numpy", "dtype");
    string("f4");
    out.write(NEWFALSE);
    out.write(NEWTRUE);
    out.write(TUPLE3);
    out.write(REDUCE);
    out.write(MARK);
    out.write(BININT1);
    out.write(3);
    string("<");
    out.write(NONE);
    out.write(NONE);
    out.write(NONE);
    out.write(BININT);
    out.writeInt(-1);
    out.write(BININT);
    out.writeInt(-1);
    out.write(BININT1);
    out.write(0);
    out.write(TUPLE);
    out.write(BUILD);
  }

  private void global(String module, String name) throws IOException {
    string(module);
    string(name);
    out.write(STACK_GLOBAL);
  }

  private void string(String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    if (utf8.length < 256) {
      out.write(SHORT_BINUNICODE);
      out.write(utf8.length);
    } else {
      out.write(BINUNICODE);
      out.writeInt(Integer.reverseBytes(utf8.length));
    }
    out.write(utf8);
  }

  private void bytes(byte[] data) throws IOException {
    if (data.length < 256) {
      out.write(SHORT_BINBYTES);
      out.write(data.length);
    } else if (data.length <= Integer.MAX_VALUE) {
      out.write(BINBYTES);
      out.writeInt(Integer.reverseBytes(data.length));
    } else {
      out.write(BINBYTES8);
      out.writeLong(Long.reverseBytes(data.length));
    }
    out.write(data);
  }

  private static byte[] littleEndian(float[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    return buf.array();
  }
}
