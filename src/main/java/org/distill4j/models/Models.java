package org.distill4j.models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.Registry;
import org.distill4j.io.download.DownloadCache;
import org.distill4j.models.backbones.BackboneSpec;
import org.distill4j.models.backbones.ResNetVdSpec;

/**
 * The registries that build models and backbones from config, with PaddleSeg's keys:
 *
 * <pre>
 * model:
 *   type: DeepLabV3P
 *   num_classes: 2
 *   backbone: {type: ResNet50_vd, output_stride: 8, multi_grid: [1, 2, 4], pretrained: ...}
 *   backbone_indices: [0, 3]
 *   aspp_ratios: [1, 12, 24, 36]
 *   aspp_out_channels: 256
 *   align_corners: False
 *   pretrained: null        # or whole-model weights: .params, .pdparams, or a directory
 * </pre>
 *
 * Both {@code pretrained} keys take our {@code .params} files, PaddleSeg's {@code .pdparams} files,
 * or a directory holding {@code model.params} or {@code model.pdparams}; a backbone's also takes
 * timm's ResNet-D safetensors. PaddleSeg's files load by name with PaddleSeg's rules and report
 * {@code There are N/M variables loaded into ...} (see {@link SegmentationModel#loadWeights}). A
 * {@code pretrained} http(s) URL (e.g. PaddleSeg's ImageNet backbones) is downloaded once into
 * {@code $DISTILL4J_HOME/pretrained_model/} when the config is built ({@link DownloadCache}) and
 * the local path is handed to the weight loader; a download that fails is a one-line error, never a
 * silent random init.
 */
public final class Models {
  /**
   * An input shape for {@link SegmentationModel#initialize}: parameter shapes depend only on the
   * three input channels, so any spatial size that survives the output stride will do.
   */
  public static final ai.djl.ndarray.types.Shape PARAMETER_SHAPE =
      new ai.djl.ndarray.types.Shape(1, 3, 64, 64);

  private static final Set<String> MODEL_KEYS =
      Set.of(
          "type",
          "num_classes",
          "backbone",
          "backbone_indices",
          "aspp_ratios",
          "aspp_out_channels",
          "align_corners",
          "pretrained",
          "data_format");
  private static final Set<String> BACKBONE_KEYS =
      Set.of("type", "output_stride", "multi_grid", "in_channels", "pretrained", "data_format");

  private Models() {}

  private static final Consumer<String> STDERR = msg -> System.err.println("WARNING: " + msg);
  private static final Registry<BackboneSpec> BACKBONES =
      withResNets(new Registry<>("backbone"), STDERR);
  private static final Registry<SegmentationModel> MODELS =
      withDeepLab(new Registry<>("model"), BACKBONES, STDERR);

  /**
   * The shared model registry ({@code DeepLabV3P} and every type registered with {@link
   * #register}); warnings (e.g. a PaddleSeg weights name read from our format) go to standard
   * error.
   */
  public static Registry<SegmentationModel> registry() {
    return MODELS;
  }

  /**
   * Makes a user's model type buildable from YAML ({@code model: {type: <type>, ...}}) by every
   * config read afterwards: training, distillation (as student or teacher), evaluation, export. The
   * builder gets the {@code model} section; {@link ConfigMap#requireKnownKeys} checks its keys the
   * way the built-in types do. A later registration of the same name replaces the earlier one.
   */
  public static void register(
      String type, java.util.function.Function<ConfigMap, ? extends SegmentationModel> builder) {
    MODELS.register(type, builder);
  }

  /** Makes a user's backbone usable as {@code model.backbone.type} of the built-in DeepLabV3P. */
  public static void registerBackbone(
      String type, java.util.function.Function<ConfigMap, ? extends BackboneSpec> builder) {
    BACKBONES.register(type, builder);
  }

  /**
   * The shared model types, with the built-in ones sending their warnings to {@code warnings} (a
   * copy: registering into it changes nothing shared).
   */
  public static Registry<SegmentationModel> registry(Consumer<String> warnings) {
    return withDeepLab(MODELS.copy(), backbones(warnings), warnings);
  }

  /**
   * The shared backbone registry: ResNet18_vd, ResNet34_vd, ResNet50_vd, ResNet101_vd and any type
   * registered with {@link #registerBackbone}.
   */
  public static Registry<BackboneSpec> backbones() {
    return BACKBONES;
  }

  /** The shared backbone types, the built-in ones sending warnings to {@code warnings} (a copy). */
  public static Registry<BackboneSpec> backbones(Consumer<String> warnings) {
    return withResNets(BACKBONES.copy(), warnings);
  }

  private static Registry<SegmentationModel> withDeepLab(
      Registry<SegmentationModel> r, Registry<BackboneSpec> backbones, Consumer<String> warnings) {
    return r.register("DeepLabV3P", c -> deepLabV3P(c, backbones, warnings));
  }

  private static Registry<BackboneSpec> withResNets(
      Registry<BackboneSpec> r, Consumer<String> warnings) {
    for (int layers : new int[] {18, 34, 50, 101}) {
      r.register("ResNet" + layers + "_vd", c -> resNetVd(c, layers, warnings));
    }
    return r;
  }

  private static SegmentationModel deepLabV3P(
      ConfigMap c, Registry<BackboneSpec> backbones, Consumer<String> warnings) {
    checkKeys(c, MODEL_KEYS);
    checkDataFormat(c);
    DeepLabV3P.Builder b = DeepLabV3P.builder();
    if (c.getInt("num_classes") <= 0) {
      throw c.error("num_classes", "must be a positive integer, got " + c.getInt("num_classes"));
    }
    b.setNumClasses(c.getInt("num_classes"));
    b.setBackbone(backbones.build(c.getMap("backbone")));
    // Each default lives once, in the builder (as in PaddleSeg's constructor signature): a key
    // that is absent leaves the builder's value alone.
    if (c.has("backbone_indices")) {
      int[] indices = c.getIntArray("backbone_indices");
      if (indices.length != 2) {
        throw c.error(
            "backbone_indices",
            "needs 2 values (low-level feature for the decoder, high-level for the ASPP), got "
                + Arrays.toString(indices));
      }
      apply(c, "backbone_indices", () -> b.optBackboneIndices(indices[0], indices[1]));
    }
    if (c.has("aspp_ratios")) {
      apply(c, "aspp_ratios", () -> b.optAsppRatios(c.getIntArray("aspp_ratios")));
    }
    if (c.has("aspp_out_channels")) {
      apply(c, "aspp_out_channels", () -> b.optAsppOutChannels(c.getInt("aspp_out_channels")));
    }
    b.optAlignCorners(c.optBoolean("align_corners", false));
    if (c.has("pretrained")) {
      b.optPretrained(localWeights(c, "pretrained", warnings));
    }
    return b.build();
  }

  private static BackboneSpec resNetVd(ConfigMap c, int layers, Consumer<String> warnings) {
    checkKeys(c, BACKBONE_KEYS);
    checkDataFormat(c);
    ResNetVdSpec.Builder b = ResNetVdSpec.builder(layers);
    if (c.has("output_stride")) {
      apply(c, "output_stride", () -> b.optOutputStride(c.getInt("output_stride")));
    }
    if (c.has("multi_grid")) {
      apply(c, "multi_grid", () -> b.optMultiGrid(c.getIntArray("multi_grid")));
    }
    if (c.has("in_channels")) {
      apply(c, "in_channels", () -> b.optInChannels(c.getInt("in_channels")));
    }
    if (c.has("pretrained")) {
      b.optPretrained(localWeights(c, "pretrained", warnings));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw c.error("multi_grid", withoutKey("multi_grid", e.getMessage()));
    }
  }

  private static Path localWeights(ConfigMap c, String key, Consumer<String> warnings) {
    String value = c.getString(key);
    if (DownloadCache.isUrl(value)) {
      // Downloaded (once) when the config is built, so `check` fetches too and training never
      // starts only to fail on the network later.
      try {
        return DownloadCache.standard().resolvePretrained(value);
      } catch (ConfigException e) {
        throw c.error(key, e.getMessage());
      }
    }
    Path p = Path.of(value);
    Path ours = p.resolveSibling("model" + WeightsIO.EXTENSION);
    if (!Files.exists(p)
        && p.getFileName().toString().equals("model.pdparams")
        && Files.isRegularFile(ours)) {
      // PaddleSeg's tutorial names best_model/model.pdparams; a run of ours wrote model.params.
      warnings.accept(
          c.file()
              + ": "
              + c.childPath(key)
              + ": "
              + p
              + " does not exist; reading "
              + ours
              + " beside it (the same run's weights in distill4j's format)");
      return ours;
    }
    if (!Files.exists(p)) {
      throw c.error(key, "no such file or directory: " + p.toAbsolutePath());
    }
    return p;
  }

  /** Turns a builder's IllegalArgumentException into a located ConfigException. */
  private static void apply(ConfigMap c, String key, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      throw c.error(key, withoutKey(key, e.getMessage()));
    }
  }

  /** Builder messages start with the key name, which the located error already shows. */
  private static String withoutKey(String key, String message) {
    return message.startsWith(key + " ") ? message.substring(key.length() + 1) : message;
  }

  private static void checkKeys(ConfigMap c, Set<String> known) {
    c.requireKnownKeys(c.optString("type", "this component"), known);
  }

  private static void checkDataFormat(ConfigMap c) {
    String f = c.optString("data_format", "NCHW");
    if (!f.equals("NCHW")) {
      throw c.error("data_format", "only NCHW is supported, got '" + f + "'");
    }
  }
}
