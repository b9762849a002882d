package org.distill4j.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the text files users write (configs, list files) as UTF-8, the way Python 3 reads them with
 * {@code encoding='utf-8-sig'}: a leading byte-order mark is dropped, and bytes that are not UTF-8
 * are one line naming the file, the line and the byte offset, instead of replacement characters
 * that would later show up as a file that "does not exist".
 */
public final class TextFiles {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private TextFiles() {}

  /** The whole file as a string, without a leading byte-order mark. */
  public static String readUtf8(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + ErrorWords.io(e), e);
    }
    int start = startsWithBom(bytes) ? BOM.length : 0;
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    var result = decoder.decode(in, out, true);
    if (result.isError()) {
      int offset = in.position();
      throw new ConfigException(
          file
              + ": line "
              + lineAt(bytes, offset)
              + " (byte "
              + offset
              + ") is not UTF-8 text; save the file as UTF-8");
    }
    decoder.flush(out);
    out.flip();
    return out.toString();
  }

  /** The file's lines (see {@link #readUtf8}). */
  public static List<String> readUtf8Lines(Path file) {
    return readUtf8(file).lines().toList();
  }

  private static boolean startsWithBom(byte[] bytes) {
    return bytes.length >= 3 && bytes[0] == BOM[0] && bytes[1] == BOM[1] && bytes[2] == BOM[2];
  }

  private static int lineAt(byte[] bytes, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }
}
