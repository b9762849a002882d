package org.distill4j.io.weights;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ErrorWords;
import org.distill4j.errors.CheckpointException;
import org.distill4j.io.AtomicFiles;

/**
 * Paddle's {@code paddle.save} state-dict files ({@code .pdparams}): a Python pickle (protocol 2, 3
 * or 4) of a dict from structured parameter name to numpy array.
 *
 * <p>Two entries are Paddle's own bookkeeping: {@code StructuredToParameterName@@} (structured name
 * to Paddle's internal tensor name; not needed to load) and {@code UnpackBigParamInfor@@}, written
 * by protocol 2 and 3 saves for arrays over 1 GiB, which Paddle stores as flat pieces named {@code
 * key@@.0}, {@code key@@.1} ... that are joined and reshaped to {@code OriginShape} on loading, as
 * here. Values are converted to float32 whatever their stored type (float16, float64, integers),
 * and Fortran-ordered arrays to row-major; entries that are not arrays are left out.
 */
public final class Pdparams {
  /** The key Paddle stores its structured-to-internal name table under. */
  public static final String NAME_TABLE_KEY = "StructuredToParameterName@@";

  /** The key of the table of arrays split into pieces. */
  public static final String SPLIT_TABLE_KEY = "UnpackBigParamInfor@@";

  private static final int PICKLE_PROTO = 0x80;

  private Pdparams() {}

  /**
   * True when {@code file} starts as a Python pickle of protocol 2 or newer (what {@code
   * paddle.save} writes); says nothing yet about what the pickle holds.
   */
  public static boolean looksLikePickle(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      int first = in.read();
      int protocol = in.read();
      return first == PICKLE_PROTO && protocol >= 2 && protocol <= 5;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Every array of {@code file} by structured name, sorted by name (a pickled dict keeps no order
   * the unpickler passes on, and matching is by name).
   */
  public static Map<String, HostArray> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": no such file");
    }
    if (!looksLikePickle(file)) {
      throw new ConfigException(
          file
              + ": not a Paddle weights file (.pdparams files are Python pickles, this one is not)");
    }
    Object top = unpickle(file);
    if (!(top instanceof Map<?, ?> dict)) {
      throw new ConfigException(
          file
              + ": not a Paddle weights file: the pickle holds "
              + pythonName(top)
              + ", not a dict");
    }
    Map<String, NumpyArray> arrays = new TreeMap<>();
    Object splitTable = null;
    for (Map.Entry<?, ?> e : dict.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (key.equals(SPLIT_TABLE_KEY)) {
        splitTable = e.getValue();
      } else if (e.getValue() instanceof NumpyArray a) {
        arrays.put(key, a);
      }
    }
    Map<String, HostArray> out = new TreeMap<>();
    for (Map.Entry<String, NumpyArray> e : arrays.entrySet()) {
      try {
        out.put(e.getKey(), e.getValue().toHostArray());
      } catch (IllegalArgumentException ex) {
        // The pickle's array data does not fill the shape it declares: a cut or damaged file.
        throw new CheckpointException(file + ": " + e.getKey() + ": " + ex.getMessage());
      }
    }
    if (splitTable != null) {
      joinPieces(file, out, splitTable);
    }
    if (out.isEmpty()) {
      throw new ConfigException(file + ": not a Paddle weights file: the dict holds no arrays");
    }
    return out;
  }

  private static Object unpickle(Path file) {
    NumpyPickles.register();
    Unpickler unpickler = new Unpickler();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return unpickler.load(in);
    } catch (EOFException e) {
      throw new CheckpointException(file + ": truncated: the pickle ends before its last item");
    } catch (IOException e) {
      // The file exists and starts as a pickle (checked before): a read that fails part-way is
      // almost always a cut download or copy.
      throw new CheckpointException(file + ": cannot read: " + ErrorWords.io(e));
    } catch (PickleException | IllegalArgumentException | ClassCastException e) {
      throw new CheckpointException(
          file + ": not a readable Paddle weights file: " + pickleProblem(e));
    } catch (RuntimeException e) {
      throw new CheckpointException(
          file + ": not a readable Paddle weights file (damaged or truncated pickle)");
    } finally {
      unpickler.close();
    }
  }

  private static String pickleProblem(RuntimeException e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    if (message == null || message.isBlank() || ErrorWords.CLASS_NAME.matcher(message).find()) {
      return "damaged or truncated pickle";
    }
    return message;
  }

  /** Joins Paddle's pieces of split arrays into the arrays they came from. */
  private static void joinPieces(Path file, Map<String, HostArray> arrays, Object table) {
    if (!(table instanceof Map<?, ?> infos)) {
      throw new ConfigException(file + ": " + SPLIT_TABLE_KEY + " is not a dict");
    }
    for (Map.Entry<?, ?> e : infos.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (!(e.getValue() instanceof Map<?, ?> info)
          || !(info.get("slices") instanceof List<?> slices)
          || info.get("OriginShape") == null) {
        throw new ConfigException(
            file
                + ": "
                + SPLIT_TABLE_KEY
                + ": the entry for "
                + key
                + " lacks OriginShape or slices");
      }
      long[] shape = shapeOf(info.get("OriginShape"));
      List<float[]> parts = new ArrayList<>();
      long total = 0;
      for (Object slice : slices) {
        HostArray part = arrays.remove(String.valueOf(slice));
        if (part == null) {
          throw new ConfigException(
              file + ": " + key + " is split into pieces and the piece " + slice + " is missing");
        }
        parts.add(part.values());
        total += part.values().length;
      }
      long want = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      if (total != want) {
        throw new ConfigException(
            file
                + ": "
                + key
                + ": its pieces hold "
                + total
                + " values, its shape "
                + Arrays.toString(shape)
                + " needs "
                + want);
      }
      float[] joined = new float[(int) total];
      int at = 0;
      for (float[] p : parts) {
        System.arraycopy(p, 0, joined, at, p.length);
        at += p.length;
      }
      arrays.put(key, new HostArray(shape, joined));
    }
  }

  private static long[] shapeOf(Object shape) {
    Object[] items = shape instanceof List<?> l ? l.toArray() : (Object[]) shape;
    return Arrays.stream(items).mapToLong(o -> ((Number) o).longValue()).toArray();
  }

  private static String pythonName(Object o) {
    if (o == null) {
      return "None";
    }
    if (o instanceof List<?> || o instanceof Object[]) {
      return "a list or tuple";
    }
    if (o instanceof NumpyArray) {
      return "a single array";
    }
    if (o instanceof String) {
      return "a string";
    }
    if (o instanceof Number) {
      return "a number";
    }
    return "another kind of object";
  }

  /**
   * Writes {@code arrays} (structured name to array) as {@code paddle.save} does with its default
   * protocol 4: a pickled dict of float32 C-order numpy arrays, written to a temporary file and
   * moved into place. No {@code StructuredToParameterName@@} table is written: Paddle's loaders do
   * not need it for a state dict.
   */
  public static void write(Map<String, HostArray> arrays, Path file) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      AtomicFiles.write(
          file,
          raw -> {
            try (OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
              new NumpyPickleWriter(out).writeDict(arrays);
            }
          });
    } catch (IOException e) {
      throw new ConfigException("cannot write " + file + ": " + ErrorWords.io(e));
    }
  }
}
