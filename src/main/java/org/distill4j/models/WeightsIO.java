package org.distill4j.models;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ErrorWords;
import org.distill4j.errors.Distill4jException;
import org.distill4j.io.AtomicFiles;

/**
 * Our weights file: a short header (magic, format version, kind "model" or "backbone", the
 * architecture name and every parameter's shape), then DJL's own {@link Block#saveParameters}
 * stream, BN running statistics included.
 *
 * <p>Loading checks the header against the model first, so weights of another architecture give a
 * message that says which and where. The values are then read into a freshly built twin of the
 * network with {@link Block#loadParameters} and copied into the live parameters in place: their
 * arrays keep their identity, so DJL parameter stores (which cache arrays) and optimizers holding
 * them see the loaded values.
 */
final class WeightsIO {
  static final String EXTENSION = ".params";
  private static final String MAGIC = "distill4j-weights";
  private static final int FORMAT = 1;

  private WeightsIO() {}

  static Path save(Block block, Path dir, String fileName, String kind, String arch) {
    Path file = dir.resolve(fileName + EXTENSION);
    try {
      AtomicFiles.write(
          file,
          raw -> {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw))) {
              out.writeUTF(MAGIC);
              out.writeInt(FORMAT);
              out.writeUTF(kind);
              out.writeUTF(arch);
              List<Parameter> params = parameters(block);
              out.writeInt(params.size());
              for (Parameter p : params) {
                long[] dims = p.getArray().getShape().getShape();
                out.writeInt(dims.length);
                for (long d : dims) {
                  out.writeLong(d);
                }
              }
              block.saveParameters(out);
            }
          });
    } catch (IOException e) {
      throw new ConfigException("cannot write weights to " + file + ": " + ErrorWords.io(e), e);
    }
    return file;
  }

  /**
   * A file as given, or in a directory {@code model.params}, else PaddleSeg's {@code
   * model.pdparams}, else the one {@code .params} file there.
   */
  static Path resolve(Path fileOrDir, String what) {
    if (Files.isRegularFile(fileOrDir)) {
      return fileOrDir;
    }
    if (!Files.isDirectory(fileOrDir)) {
      throw new ConfigException(what + ": no such file or directory: " + fileOrDir);
    }
    Path preferred = fileOrDir.resolve("model" + EXTENSION);
    if (Files.isRegularFile(preferred)) {
      return preferred;
    }
    // PaddleSeg's layout (output/<run>/best_model/, an unpacked pretrained archive).
    Path paddle = fileOrDir.resolve("model.pdparams");
    if (Files.isRegularFile(paddle)) {
      return paddle;
    }
    List<Path> found;
    try (Stream<Path> s = Files.list(fileOrDir)) {
      found =
          s.filter(p -> p.getFileName().toString().endsWith(EXTENSION))
              .sorted()
              .collect(Collectors.toList());
    } catch (IOException e) {
      throw new ConfigException(what + ": cannot list " + fileOrDir + ": " + ErrorWords.io(e), e);
    }
    if (found.size() != 1) {
      throw new ConfigException(
          what
              + ": "
              + fileOrDir
              + (found.isEmpty()
                  ? " has no " + EXTENSION + " file and no model.pdparams"
                  : " has several " + EXTENSION + " files (" + names(found) + "); name one"));
    }
    return found.get(0);
  }

  /**
   * Loads {@code file} into {@code target}, reading through {@code twin} (an uninitialised block of
   * the same architecture).
   */
  static void load(
      Path file, String kind, String arch, Block target, Block twin, NDManager manager) {
    // The caller (SegmentationModel) has verified the file against its checkpoint's checksums.
    List<Pair<String, Parameter>> params =
        target.getParameters().stream().collect(Collectors.toList());
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      checkHeader(in, file, kind, arch, params);
      try (NDManager scratch = manager.newSubManager()) {
        twin.loadParameters(scratch, in);
        ParameterCopies.run(target, () -> copyEach(parameters(target), parameters(twin)));
      }
    } catch (IOException | MalformedModelException | RuntimeException e) {
      if (e instanceof Distill4jException) {
        throw (Distill4jException) e;
      }
      throw new ConfigException(
          file + ": cannot load " + kind + " weights for " + arch + ": " + ErrorWords.describe(e),
          e);
    }
  }

  /** True when {@code file} starts with our header. */
  static boolean isOurs(Path file) {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      return MAGIC.equals(in.readUTF());
    } catch (IOException e) {
      return false;
    }
  }

  private static void checkHeader(
      DataInputStream in, Path file, String kind, String arch, List<Pair<String, Parameter>> params)
      throws IOException {
    String magic;
    try {
      magic = in.readUTF();
    } catch (IOException e) {
      magic = "";
    }
    if (!MAGIC.equals(magic)) {
      throw new ConfigException(file + ": not a distill4j weights file (saved by saveWeights)");
    }
    int format = in.readInt();
    if (format != FORMAT) {
      throw new ConfigException(file + ": weights format " + format + " is not supported");
    }
    String savedKind = in.readUTF();
    String savedArch = in.readUTF();
    int count = in.readInt();
    List<Shape> shapes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long[] dims = new long[in.readInt()];
      for (int d = 0; d < dims.length; d++) {
        dims[d] = in.readLong();
      }
      shapes.add(new Shape(dims));
    }
    String saved = savedKind + " weights of " + savedArch;
    if (!savedKind.equals(kind)) {
      throw new ConfigException(file + ": holds " + saved + ", expected " + kind + " weights");
    }
    if (count != params.size() || !savedArch.equals(arch)) {
      throw new ConfigException(
          file
              + ": holds "
              + saved
              + " ("
              + count
              + " parameter tensors), which do not fit "
              + arch
              + " ("
              + params.size()
              + " parameter tensors)");
    }
    for (int i = 0; i < count; i++) {
      Shape want = params.get(i).getValue().getArray().getShape();
      if (!shapes.get(i).equals(want)) {
        throw new ConfigException(
            file
                + ": holds "
                + saved
                + " whose parameter "
                + params.get(i).getKey()
                + " (#"
                + i
                + ") has shape "
                + shapes.get(i)
                + ", but this model's is "
                + want
                + " (a different num_classes or in_channels?)");
      }
    }
  }

  private static void copyEach(List<Parameter> target, List<Parameter> loaded) {
    NDIndex all = new NDIndex("...");
    for (int i = 0; i < target.size(); i++) {
      NDArray dst = target.get(i).getArray();
      NDArray src = loaded.get(i).getArray();
      if (!dst.getShape().equals(src.getShape())) {
        throw new IllegalStateException(
            "parameter "
                + target.get(i).getName()
                + ": "
                + src.getShape()
                + " vs "
                + dst.getShape());
      }
      dst.set(all, src.toDevice(dst.getDevice(), false));
    }
  }

  private static List<Parameter> parameters(Block block) {
    List<Parameter> out = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.add(p.getValue());
    }
    return out;
  }

  private static String names(List<Path> paths) {
    return paths.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", "));
  }
}
