package org.distill4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distill4j.engine.Autocast;
import org.distill4j.models.taps.TapHub;
import org.distill4j.models.taps.TapListener;

/**
 * Captures named intermediate tensors of one model during a forward pass (what MMRazor calls a
 * recorder): ask for tap paths such as {@code head.aspp} or published names such as {@code
 * logit_list.0}, attach it with {@link SegmentationModel#record(TapRecorder)}, run the forward,
 * then read the tensors with {@link #get(String)}.
 *
 * <p>The recorded tensors are the forward pass's own arrays (gradients flow through them) and live
 * in the manager of that forward pass: use them before that manager closes. Each forward overwrites
 * the previous values; {@link #clear()} drops all references.
 */
public final class TapRecorder {
  private final Set<String> requested;
  private final boolean everything;
  private final Map<String, NDArray> values = new LinkedHashMap<>();
  // canonical tap name -> the names the caller used for it (aliases resolve to canonical names)
  private Map<String, List<String>> routes;
  private SegmentationModel owner;

  // What the model's TapHub calls while this recorder is attached; a private adapter, so that offer
  // and moveOut stay out of the recorder's public API.
  private final TapListener listener =
      new TapListener() {
        @Override
        public void offer(String name, NDArray value) {
          TapRecorder.this.offer(name, value);
        }

        @Override
        public void moveOut(NDManager from, NDManager to) {
          TapRecorder.this.moveOut(from, to);
        }
      };

  /** A recorder for the given tap paths or published names. */
  public TapRecorder(Collection<String> names) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a TapRecorder needs at least one tap name");
    }
    this.requested = Collections.unmodifiableSet(new LinkedHashSet<>(names));
    this.everything = false;
  }

  /** A recorder for the given tap paths or published names. */
  public TapRecorder(String... names) {
    this(List.of(names));
  }

  private TapRecorder() {
    this.requested = Set.of();
    this.everything = true;
  }

  /** A recorder that keeps every tap of the model it is attached to (for shapes and summaries). */
  public static TapRecorder everything() {
    return new TapRecorder();
  }

  /** The names asked for, as given. Empty for {@link #everything()}. */
  public Set<String> requested() {
    return requested;
  }

  public boolean recordsEverything() {
    return everything;
  }

  /** True when {@code name} has a value from the last forward pass. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The tensor recorded under {@code name} in the last forward pass. */
  public NDArray get(String name) {
    NDArray v = values.get(name);
    if (v == null) {
      String why =
          everything || requested.contains(name)
              ? "it was requested but nothing was recorded under it yet (run a forward pass with"
                  + " the recorder attached)"
              : "it was not requested; requested: " + String.join(", ", requested);
      throw new IllegalStateException("no tensor recorded for tap '" + name + "': " + why);
    }
    return v;
  }

  /** Everything recorded in the last forward pass, in the order it was produced. */
  public Map<String, NDArray> all() {
    return Collections.unmodifiableMap(values);
  }

  /** Drops all recorded tensors (does not close them: they belong to the forward pass). */
  public void clear() {
    values.clear();
  }

  void bind(SegmentationModel model, Map<String, List<String>> canonicalToRequested) {
    if (owner != null && owner != model) {
      throw new IllegalStateException(
          "this TapRecorder is already attached to "
              + owner.name()
              + "; use one recorder per model");
    }
    owner = model;
    routes = canonicalToRequested;
  }

  /** What {@link SegmentationModel} attaches to its {@link TapHub} for this recorder. */
  TapListener listener() {
    return listener;
  }

  void unbind() {
    owner = null;
  }

  /** Re-attaches every recorded tensor held by {@code from} to {@code to}. */
  void moveOut(NDManager from, NDManager to) {
    for (NDArray value : values.values()) {
      if (value.getManager() == from) {
        value.attach(to);
      }
    }
  }

  void offer(String name, NDArray value) {
    // What is recorded is float32 (connectors and losses compute in it), also where the layer
    // computed in bfloat16 (amp: bf16).
    if (everything) {
      values.put(name, Autocast.float32(value));
      return;
    }
    List<String> targets = routes == null ? null : routes.get(name);
    if (targets != null) {
      NDArray recorded = Autocast.float32(value);
      for (String t : targets) {
        values.put(t, recorded);
      }
    }
  }

  @Override
  public String toString() {
    return "TapRecorder" + (everything ? "[everything]" : new ArrayList<>(requested));
  }
}
