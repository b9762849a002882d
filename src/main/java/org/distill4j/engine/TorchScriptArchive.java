package org.distill4j.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The bytes of a TorchScript module archive holding one parameterless module class, as {@code
 * torch.jit.save} lays it out: {@code data.pkl} (the module object), {@code code/__torch__.py} (its
 * class, in TorchScript's serialized source form, compiled by libtorch when it loads the archive),
 * {@code constants.pkl} (none) and {@code version}. Entries are stored uncompressed, as PyTorch
 * writes them.
 *
 * <p>Why written here: a module made by Python would have to be shipped as a binary resource and
 * made again for every change; this way the kernels are a text file in the sources.
 */
final class TorchScriptArchive {
  /** The serialization format version written; libtorch reads 3 and newer archives alike. */
  private static final String FORMAT_VERSION = "3\n";

  private TorchScriptArchive() {}

  /**
   * An archive whose module is an instance of {@code className} defined by {@code code}.
   *
   * @param archiveName the archive's top folder (any identifier)
   * @param className the class defined in {@code code}, e.g. {@code ScriptedOps}
   */
  static byte[] build(String archiveName, String className, String code) {
    if (!className.matches("[A-Za-z_][A-Za-z0-9_]*")
        || !archiveName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("not an identifier: " + archiveName + ", " + className);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      stored(zip, archiveName + "/data.pkl", modulePickle(className));
      stored(zip, archiveName + "/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
      stored(zip, archiveName + "/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
      stored(zip, archiveName + "/version", FORMAT_VERSION.getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Pickle protocol 2 of {@code __torch__.<className>()} with the state {@code {"training": True}}:
   * PROTO 2, GLOBAL, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK, BINUNICODE key, NEWTRUE, SETITEMS,
   * BUILD, STOP.
   */
  static byte[] modulePickle(String className) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80);
    out.write(2);
    writeAscii(out, "c__torch__\n" + className + "\n");
    writeAscii(out, ")");
    out.write(0x81);
    writeAscii(out, "}(");
    byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
    out.write('X');
    out.write(key.length);
    out.write(0);
    out.write(0);
    out.write(0);
    out.write(key, 0, key.length);
    out.write(0x88);
    writeAscii(out, "ub.");
    return out.toByteArray();
  }

  private static void writeAscii(ByteArrayOutputStream out, String text) {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    out.write(b, 0, b.length);
  }

  private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(data.length);
    entry.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    entry.setCrc(crc.getValue());
    entry.setTime(315532800000L); // 1980-01-01: the same bytes on every build
    zip.putNextEntry(entry);
    zip.write(data);
    zip.closeEntry();
  }
}
