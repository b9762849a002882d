package org.distill4j.train.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ErrorWords;
import org.distill4j.config.Suggest;
import org.distill4j.errors.CheckpointException;
import org.distill4j.errors.Distill4jException;
import org.distill4j.io.AtomicFiles;
import org.distill4j.train.optim.SegOptimizer.ParamState;

/**
 * The on-disk form of an optimizer's state and the state loaded from disk that parameters have not
 * claimed yet. The file is an {@link NDList} of named arrays: a header {@code
 * distill4j.optimizer-state:<type>} holding {@code [format, stepCount]}, then per parameter its
 * buffers {@code <key>/<buffer>} and its update count {@code <key>/steps}.
 */
final class OptimizerState implements AutoCloseable {
  private static final String HEADER = "distill4j.optimizer-state:";
  private static final long FORMAT = 1;
  private static final String STEPS = "steps";

  private final SegOptimizer owner;
  private final Map<String, ParamState> pending = new LinkedHashMap<>();
  private NDManager manager;
  private String source;

  /** What {@link #read} found besides the per-parameter state. */
  record Loaded(int stepCount) {}

  OptimizerState(SegOptimizer owner) {
    this.owner = owner;
  }

  Map<String, ParamState> pending() {
    return Collections.unmodifiableMap(pending);
  }

  /** Removes and returns the loaded state of {@code key}, or null; checks its shape. */
  ParamState take(String key, Shape shape) {
    ParamState state = pending.remove(key);
    if (state != null) {
      for (NDArray buffer : state.buffers) {
        if (!buffer.getShape().equals(shape)) {
          state.close();
          throw new ConfigException(
              source
                  + ": optimizer state of parameter '"
                  + key
                  + "' has shape "
                  + buffer.getShape()
                  + " but the model's parameter has shape "
                  + shape);
        }
      }
    }
    return state;
  }

  void write(Path file, Map<String, ParamState> byKey, int stepCount) throws IOException {
    String[] names = owner.bufferNames();
    try (NDManager scratch = NDManager.newBaseManager(Device.cpu())) {
      NDList list = new NDList();
      NDArray header = scratch.create(new long[] {FORMAT, stepCount});
      header.setName(HEADER + owner.name());
      list.add(header);
      for (Map.Entry<String, ParamState> entry : byKey.entrySet()) {
        ParamState state = entry.getValue();
        for (int i = 0; i < names.length; i++) {
          state.buffers[i].setName(entry.getKey() + "/" + names[i]);
          list.add(state.buffers[i]);
        }
        NDArray steps = scratch.create(new long[] {state.steps});
        steps.setName(entry.getKey() + "/" + STEPS);
        list.add(steps);
      }
      AtomicFiles.write(
          file.toAbsolutePath(),
          out -> {
            try (OutputStream buffered = new BufferedOutputStream(out)) {
              list.encode(buffered);
            }
          });
    }
  }

  /**
   * Reads {@code file}, replacing any pending state.
   *
   * @param knownNames the model's parameter names when the optimizer knows them, else null
   */
  Loaded read(Path file, Collection<String> knownNames) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": optimizer state file not found");
    }
    close();
    manager = NDManager.newBaseManager(Device.cpu());
    source = file.toString();
    NDList list;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      list = NDList.decode(manager, in);
    } catch (IOException | RuntimeException e) {
      close();
      throw new ConfigException(
          file + ": cannot read optimizer state (" + ErrorWords.describe(e) + ")", e);
    }
    try {
      int stepCount = readHeader(list);
      collect(list, knownNames);
      return new Loaded(stepCount);
    } catch (Distill4jException e) {
      close();
      throw e;
    }
  }

  private int readHeader(NDList list) {
    NDArray header = list.isEmpty() ? null : list.get(0);
    String name = header == null ? null : header.getName();
    if (name == null || !name.startsWith(HEADER)) {
      throw new CheckpointException(source + ": not a distill4j optimizer state file");
    }
    String type = name.substring(HEADER.length());
    if (!type.equals(owner.name())) {
      throw new CheckpointException(
          source
              + ": optimizer state was saved by "
              + type
              + " but this run uses "
              + owner.name()
              + "; start the optimizer afresh or use the same optimizer type");
    }
    long[] values = header.toLongArray();
    if (values.length != 2 || values[0] != FORMAT) {
      throw new CheckpointException(source + ": unsupported optimizer state format");
    }
    return (int) values[1];
  }

  private void collect(NDList list, Collection<String> knownNames) {
    String[] names = owner.bufferNames();
    Map<String, NDArray[]> buffers = new LinkedHashMap<>();
    Map<String, Integer> steps = new LinkedHashMap<>();
    for (int i = 1; i < list.size(); i++) {
      NDArray array = list.get(i);
      String name = array.getName() == null ? "" : array.getName();
      int slash = name.lastIndexOf('/');
      String key = slash < 0 ? name : name.substring(0, slash);
      String part = slash < 0 ? "" : name.substring(slash + 1);
      if (STEPS.equals(part)) {
        steps.put(key, (int) array.toLongArray()[0]);
        continue;
      }
      int index = java.util.Arrays.asList(names).indexOf(part);
      if (index < 0) {
        throw new CheckpointException(
            source + ": unexpected entry '" + name + "' for a " + owner.name() + " optimizer");
      }
      buffers.computeIfAbsent(key, k -> new NDArray[names.length])[index] = array;
    }
    for (Map.Entry<String, NDArray[]> entry : buffers.entrySet()) {
      String key = entry.getKey();
      if (knownNames != null && !knownNames.contains(key)) {
        String closest = Suggest.closest(key, knownNames);
        throw new CheckpointException(
            source
                + ": has optimizer state for parameter '"
                + key
                + "', which the model does not have"
                + (closest == null ? "" : " (closest: '" + closest + "')"));
      }
      for (NDArray buffer : entry.getValue()) {
        if (buffer == null || !steps.containsKey(key)) {
          throw new CheckpointException(source + ": incomplete optimizer state for '" + key + "'");
        }
      }
      pending.put(key, new ParamState(entry.getValue(), steps.get(key)));
    }
  }

  @Override
  public void close() {
    pending.clear();
    if (manager != null) {
      manager.close();
      manager = null;
    }
  }
}
