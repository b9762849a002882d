package org.distill4j.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.util.cuda.CudaUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.distill4j.config.ConfigException;
import org.distill4j.config.SegConfig;

/**
 * Which devices a run uses, from {@code --devices} or the config's top-level {@code devices} key
 * (the flag wins). Accepted specs:
 *
 * <ul>
 *   <li>{@code auto} (the default): every visible GPU, or the CPU when there is none;
 *   <li>{@code cpu};
 *   <li>{@code gpu}: every visible GPU (an error when there is none);
 *   <li>{@code gpu:0,1}, {@code 0,1}, {@code gpu0,gpu1}: the listed visible GPUs. In YAML also an
 *       integer or a list of integers ({@code devices: [0, 1]}).
 * </ul>
 *
 * <p>GPU indices count the <em>visible</em> GPUs from 0, as CUDA does: with {@code
 * CUDA_VISIBLE_DEVICES=2,3}, {@code gpu:0} is physical GPU 2. The GPUs are returned in ascending
 * order; with several, training is data parallel and {@code batch_size} is per device.
 */
public final class Devices {
  /** The config key. */
  public static final String CONFIG_KEY = "devices";

  /** The environment variable that selects the GPUs CUDA shows to this process. */
  public static final String CUDA_VISIBLE_DEVICES = "CUDA_VISIBLE_DEVICES";

  private static final String VALID =
      "use cpu, gpu (every visible GPU), gpu:0,1 or 0,1 (visible GPU indices), or auto";
  private static final Pattern GPU_TOKEN = Pattern.compile("(?:gpu:?)?(\\d+)");

  private final int visibleGpus;
  private final String cudaVisibleDevices;
  private final Supplier<String> noGpuReason;

  /**
   * @param visibleGpus the GPUs the engine can use (CUDA already applies CUDA_VISIBLE_DEVICES)
   * @param cudaVisibleDevices the variable's value, or null when unset (used in messages)
   * @param noGpuReason why no GPU is usable when {@code visibleGpus} is 0, for messages
   */
  Devices(int visibleGpus, String cudaVisibleDevices, String noGpuReason) {
    this(visibleGpus, cudaVisibleDevices, () -> noGpuReason);
  }

  private Devices(int visibleGpus, String cudaVisibleDevices, Supplier<String> noGpuReason) {
    this.visibleGpus = visibleGpus;
    this.cudaVisibleDevices = cudaVisibleDevices;
    this.noGpuReason = noGpuReason;
  }

  /** The devices of this machine as the DJL engine sees them. */
  public static Devices ofMachine() {
    Engine engine = Engine.getInstance();
    String env = System.getenv(CUDA_VISIBLE_DEVICES);
    // Only asked for an error message: probing CUDA directly may log a warning.
    Supplier<String> reason =
        () -> {
          if (!engine.hasCapability(StandardCapabilities.CUDA)) {
            return "the "
                + engine.getEngineName()
                + " native library in use is a CPU build"
                + (CudaUtils.hasCuda() ? " (CUDA itself sees GPUs: use a CUDA build of it)" : "");
          }
          return env != null
              ? CUDA_VISIBLE_DEVICES + "='" + env + "' leaves no GPU visible"
              : "no CUDA GPU was found";
        };
    return new Devices(engine.getGpuCount(), env, reason);
  }

  /** The number of GPUs this process can use. */
  public int visibleGpuCount() {
    return visibleGpus;
  }

  /** Every visible GPU, or the CPU when there is none. */
  public Device[] defaults() {
    return visibleGpus > 0 ? allGpus() : new Device[] {Device.cpu()};
  }

  /**
   * The devices for a run: {@code flagSpec} when given (not null), else the config's {@code
   * devices} key, else {@link #defaults()}.
   */
  public Device[] resolve(String flagSpec, SegConfig config) {
    if (flagSpec != null) {
      return parse(flagSpec, msg -> new ConfigException("--" + CONFIG_KEY + ": " + msg));
    }
    Optional<String> fromConfig = config == null ? Optional.empty() : configSpec(config);
    if (fromConfig.isPresent()) {
      return parse(fromConfig.get(), msg -> config.root().error(CONFIG_KEY, msg));
    }
    return defaults();
  }

  /** Parses a {@code --devices} value; errors start with {@code --devices:}. */
  public Device[] parse(String spec) {
    return resolve(spec, null);
  }

  /** The config's {@code devices} value as a spec string, when the key is present. */
  static Optional<String> configSpec(SegConfig config) {
    if (!config.root().has(CONFIG_KEY)) {
      return Optional.empty();
    }
    Object raw = config.root().get(CONFIG_KEY);
    if (raw == null) {
      return Optional.empty();
    }
    if (raw instanceof String || raw instanceof Integer) {
      return Optional.of(raw.toString());
    }
    if (raw instanceof List<?> list
        && !list.isEmpty()
        && list.stream().allMatch(v -> v instanceof Integer || v instanceof String)) {
      return Optional.of(list.stream().map(Object::toString).collect(Collectors.joining(",")));
    }
    throw config.root().error(CONFIG_KEY, "expected a string or a list of GPU indices; " + VALID);
  }

  private Device[] parse(String spec, Function<String, ConfigException> error) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "", "auto":
        return defaults();
      case "cpu":
        return new Device[] {Device.cpu()};
      case "gpu":
        requireGpus(error, "'gpu'");
        return allGpus();
      default:
        break;
    }
    String list = s.startsWith("gpu:") && !s.contains(",gpu") ? s.substring(4) : s;
    TreeSet<Integer> ids = new TreeSet<>();
    for (String token : list.split(",", -1)) {
      Matcher m = GPU_TOKEN.matcher(token.trim());
      if (!m.matches()) {
        throw error.apply("'" + spec + "' is not a device list; " + VALID);
      }
      int id = Integer.parseInt(m.group(1));
      if (!ids.add(id)) {
        throw error.apply("GPU " + id + " is listed twice in '" + spec + "'");
      }
    }
    requireGpus(error, "'" + spec + "'");
    if (ids.last() >= visibleGpus) {
      throw error.apply(
          "asks for gpu:"
              + ids.last()
              + " but "
              + visibleDescription()
              + "; indices count the visible GPUs from 0");
    }
    return ids.stream().map(Device::gpu).toArray(Device[]::new);
  }

  private void requireGpus(Function<String, ConfigException> error, String what) {
    if (visibleGpus == 0) {
      throw error.apply(
          what + " asks for GPUs but none is usable: " + noGpuReason.get() + "; use cpu");
    }
  }

  /** E.g. "2 GPUs are visible (gpu:0 = physical GPU 3, gpu:1 = physical GPU 5)". */
  String visibleDescription() {
    String count = visibleGpus == 1 ? "1 GPU is visible" : visibleGpus + " GPUs are visible";
    List<String> physical = physicalIds();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < visibleGpus; i++) {
      parts.add(
          i < physical.size() ? "gpu:" + i + " = physical GPU " + physical.get(i) : "gpu:" + i);
    }
    String env =
        cudaVisibleDevices == null ? "" : ", " + CUDA_VISIBLE_DEVICES + "=" + cudaVisibleDevices;
    return count + " (" + String.join(", ", parts) + env + ")";
  }

  private List<String> physicalIds() {
    if (cudaVisibleDevices == null || cudaVisibleDevices.isBlank()) {
      return List.of();
    }
    return Arrays.stream(cudaVisibleDevices.split(",")).map(String::trim).toList();
  }

  private Device[] allGpus() {
    Device[] out = new Device[visibleGpus];
    for (int i = 0; i < visibleGpus; i++) {
      out[i] = Device.gpu(i);
    }
    return out;
  }

  /** E.g. {@code gpu(0), gpu(1)}. */
  public static String describe(Device... devices) {
    return Arrays.stream(devices).map(Device::toString).collect(Collectors.joining(", "));
  }
}
