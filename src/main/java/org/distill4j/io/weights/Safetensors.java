package org.distill4j.io.weights;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ErrorWords;
import org.distill4j.errors.CheckpointException;

/**
 * The safetensors format, as timm publishes ImageNet weights: an 8-byte little-endian header
 * length, a JSON header (name to dtype, shape and byte offsets into the data that follows; an
 * optional {@code __metadata__}), then the tensors' little-endian bytes. Float tensors (F32, F16,
 * BF16, F64) are returned as float32; integer tensors (such as BatchNorm's {@code
 * num_batches_tracked}) are left out.
 */
public final class Safetensors {
  private static final long MAX_HEADER = 100L << 20;

  private Safetensors() {}

  /** Every float tensor of {@code file} by name. */
  public static Map<String, HostArray> read(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      if (channel.read(lengthBytes, 0) != 8) {
        throw bad(file, "shorter than the 8-byte header length");
      }
      long headerLength = lengthBytes.getLong(0);
      if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
        throw bad(
            file,
            "its header length " + headerLength + " does not fit a file of " + size + " bytes");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      channel.read(header, 8);
      JsonObject json = parse(file, new String(header.array(), StandardCharsets.UTF_8));
      long dataStart = 8 + headerLength;
      Map<String, HostArray> out = new TreeMap<>();
      for (Map.Entry<String, JsonElement> e : json.entrySet()) {
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        HostArray a = tensor(file, channel, dataStart, size, e.getKey(), e.getValue());
        if (a != null) {
          out.put(e.getKey(), a);
        }
      }
      if (out.isEmpty()) {
        throw bad(file, "it holds no float tensors");
      }
      return out;
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + ErrorWords.io(e));
    }
  }

  private static JsonObject parse(Path file, String text) {
    try {
      JsonElement root = JsonParser.parseString(text);
      if (!root.isJsonObject()) {
        throw bad(file, "its header is not a JSON object");
      }
      return root.getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw bad(file, "its header is not valid JSON");
    }
  }

  private static HostArray tensor(
      Path file, FileChannel channel, long dataStart, long size, String name, JsonElement spec)
      throws IOException {
    long[] shape;
    long begin;
    long end;
    String dtype;
    try {
      JsonObject o = spec.getAsJsonObject();
      dtype = o.get("dtype").getAsString();
      shape = new long[o.getAsJsonArray("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = o.getAsJsonArray("shape").get(i).getAsLong();
      }
      begin = o.getAsJsonArray("data_offsets").get(0).getAsLong();
      end = o.getAsJsonArray("data_offsets").get(1).getAsLong();
    } catch (RuntimeException e) {
      throw bad(file, "the header entry of " + name + " lacks dtype, shape or data_offsets");
    }
    int itemSize =
        switch (dtype) {
          case "F32" -> 4;
          case "F16", "BF16" -> 2;
          case "F64" -> 8;
          case "I64", "I32", "I16", "I8", "U8", "BOOL" -> 0;
          default -> throw bad(file, name + " has dtype " + dtype + ", which is not supported");
        };
    if (itemSize == 0) {
      return null; // integer bookkeeping such as num_batches_tracked
    }
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    if (begin < 0 || end < begin || dataStart + end > size) {
      throw bad(file, name + "'s byte range " + begin + ".." + end + " lies outside the data");
    }
    if (end - begin != count * itemSize) {
      throw bad(
          file,
          name
              + " holds "
              + (end - begin)
              + " bytes, its shape and "
              + dtype
              + " need "
              + count * itemSize);
    }
    ByteBuffer bytes = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
    channel.read(bytes, dataStart + begin);
    float[] values = new float[(int) count];
    for (int i = 0; i < values.length; i++) {
      values[i] =
          switch (dtype) {
            case "F32" -> bytes.getFloat(i * 4);
            case "F64" -> (float) bytes.getDouble(i * 8);
            case "F16" -> NumpyArray.halfToFloat(bytes.getShort(i * 2));
            default -> Float.intBitsToFloat((bytes.getShort(i * 2) & 0xffff) << 16); // BF16
          };
    }
    return new HostArray(shape, values);
  }

  private static CheckpointException bad(Path file, String why) {
    return new CheckpointException(file + ": not a readable safetensors file: " + why);
  }
}
