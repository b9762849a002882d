package org.distill4j.notebook;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The stdout or stderr of a running notebook: decodes UTF-8 as it arrives (holding back a character
 * split between two writes) and hands the text to the {@link OutputCollector}, echoing the bytes to
 * the original stream when asked.
 */
final class StreamCapture extends OutputStream {
  private final String name;
  private final OutputCollector collector;
  private final PrintStream echo;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  StreamCapture(String name, OutputCollector collector, PrintStream echo) {
    this.name = name;
    this.collector = collector;
    this.echo = echo;
  }

  /** A print stream over this capture, as installed with {@code System.setOut}. */
  PrintStream printStream() {
    return new PrintStream(this, true, StandardCharsets.UTF_8);
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) {
    if (echo != null) {
      echo.write(bytes, offset, length);
    }
    pending.write(bytes, offset, length);
    byte[] all = pending.toByteArray();
    int complete = completeLength(all);
    if (complete > 0) {
      collector.appendStream(name, new String(all, 0, complete, StandardCharsets.UTF_8));
      pending.reset();
      pending.write(all, complete, all.length - complete);
    }
  }

  @Override
  public void flush() {
    if (echo != null) {
      echo.flush();
    }
  }

  /** The length of the prefix that ends on a character boundary. */
  static int completeLength(byte[] bytes) {
    int length = bytes.length;
    for (int back = 1; back <= 3 && back <= length; back++) {
      int b = bytes[length - back] & 0xff;
      if ((b & 0xC0) == 0x80) {
        continue; // continuation byte: the character starts further back
      }
      int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
      return needed > back ? length - back : length;
    }
    return length;
  }
}
