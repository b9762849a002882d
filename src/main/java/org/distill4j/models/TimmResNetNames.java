package org.distill4j.models;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distill4j.io.weights.HostArray;

/**
 * timm's ResNet-D ImageNet weights ({@code resnet18d}, {@code resnet34d}, {@code resnet50d}, {@code
 * resnet101d}: the deep stem and average-pool shortcuts of ResNet_vd under other names) renamed to
 * PaddleSeg's backbone names, so they load with PaddleSeg's matching rules.
 *
 * <ul>
 *   <li>stem {@code conv1.0 / conv1.1}, {@code conv1.3 / conv1.4}, {@code conv1.6 / bn1} are {@code
 *       conv1_1}, {@code conv1_2}, {@code conv1_3} (conv, then BN);
 *   <li>{@code layerK.B.convJ / bnJ} is {@code bb_(K-1)_B.conv(J-1)}, and {@code
 *       layerK.B.downsample.1 / .2} (conv, BN; entry 0 is the pool) is its {@code short};
 *   <li>BN {@code running_mean / running_var} are {@code _mean / _variance}; {@code
 *       num_batches_tracked} and the classifier {@code fc} have no counterpart and are left out.
 * </ul>
 *
 * <p>One real difference: in ResNet-18/34-D the first block of the first stage adds its input
 * unchanged (64 channels in and out), where ResNet_vd has a 1x1 conv-BN projection. When the file
 * has no such projection, it is loaded as the identity (1x1 identity kernel, BN scale 1, shift 0,
 * mean 0, variance 1: the output is the input divided by sqrt(1 + 1e-5)), and a note says so.
 */
final class TimmResNetNames {
  private static final Pattern STEM = Pattern.compile("conv1\\.(\\d)\\.(\\w+)");
  private static final Pattern BLOCK =
      Pattern.compile("layer(\\d)\\.(\\d+)\\.(conv|bn)(\\d)\\.(\\w+)");
  private static final Pattern SHORTCUT =
      Pattern.compile("layer(\\d)\\.(\\d+)\\.downsample\\.(\\d)\\.(\\w+)");
  private static final String FIRST_PROJECTION = "bb_0_0.short.";

  private TimmResNetNames() {}

  static Map<String, HostArray> toPaddle(
      Map<String, HostArray> timm, Block backbone, Consumer<String> notes) {
    Map<String, HostArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, HostArray> e : timm.entrySet()) {
      String name = paddleName(e.getKey());
      if (name != null) {
        out.put(name, e.getValue());
      }
    }
    Map<String, Parameter> ours = ForeignWeights.paddleNamed(backbone);
    String conv = FIRST_PROJECTION + "_conv.weight";
    if (ours.containsKey(conv)
        && out.keySet().stream().noneMatch(k -> k.startsWith(FIRST_PROJECTION))) {
      long[] shape = ours.get(conv).getArray().getShape().getShape();
      if (shape[0] == shape[1] && shape[2] == 1 && shape[3] == 1) {
        identityProjection(out, (int) shape[0]);
        notes.accept(
            "NOTE: the file has no projection in the first block (timm's identity shortcut);"
                + " "
                + FIRST_PROJECTION
                + "* is loaded as the identity");
      }
    }
    return out;
  }

  /** PaddleSeg's backbone name for a timm name, or null when it has none. */
  static String paddleName(String timm) {
    Matcher m = STEM.matcher(timm);
    if (m.matches()) {
      String layer =
          switch (m.group(1)) {
            case "0" -> "conv1_1._conv";
            case "1" -> "conv1_1._batch_norm";
            case "3" -> "conv1_2._conv";
            case "4" -> "conv1_2._batch_norm";
            case "6" -> "conv1_3._conv";
            default -> null;
          };
      return layer == null ? null : parameter(layer, m.group(2));
    }
    if (timm.startsWith("bn1.")) {
      return parameter("conv1_3._batch_norm", timm.substring(4));
    }
    m = BLOCK.matcher(timm);
    if (m.matches()) {
      String unit = "conv" + (Integer.parseInt(m.group(4)) - 1);
      String part = m.group(3).equals("conv") ? "._conv" : "._batch_norm";
      return parameter(block(m.group(1), m.group(2)) + "." + unit + part, m.group(5));
    }
    m = SHORTCUT.matcher(timm);
    if (m.matches()) {
      String part =
          switch (m.group(3)) {
            case "1" -> ".short._conv";
            case "2" -> ".short._batch_norm";
            default -> null;
          };
      return part == null ? null : parameter(block(m.group(1), m.group(2)) + part, m.group(4));
    }
    return null;
  }

  private static String block(String layer, String index) {
    return "bb_" + (Integer.parseInt(layer) - 1) + "_" + index;
  }

  private static String parameter(String layer, String timmParameter) {
    String p =
        switch (timmParameter) {
          case "weight" -> "weight";
          case "bias" -> "bias";
          case "running_mean" -> "_mean";
          case "running_var" -> "_variance";
          default -> null;
        };
    return p == null ? null : layer + "." + p;
  }

  private static void identityProjection(Map<String, HostArray> out, int channels) {
    float[] kernel = new float[channels * channels];
    for (int c = 0; c < channels; c++) {
      kernel[c * channels + c] = 1f;
    }
    out.put(
        FIRST_PROJECTION + "_conv.weight",
        new HostArray(new long[] {channels, channels, 1, 1}, kernel));
    float[] ones = new float[channels];
    Arrays.fill(ones, 1f);
    long[] shape = {channels};
    out.put(FIRST_PROJECTION + "_batch_norm.weight", new HostArray(shape, ones.clone()));
    out.put(FIRST_PROJECTION + "_batch_norm.bias", new HostArray(shape, new float[channels]));
    out.put(FIRST_PROJECTION + "_batch_norm._mean", new HostArray(shape, new float[channels]));
    out.put(FIRST_PROJECTION + "_batch_norm._variance", new HostArray(shape, ones.clone()));
  }
}
