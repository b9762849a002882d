package org.distill4j.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * PaddleSeg's structured parameter names (the keys of {@code model.state_dict()} and of its {@code
 * .pdparams} files) for our parameters. Our blocks are named after PaddleSeg's sublayers, so the
 * name follows from the block path with a few spelling rules:
 *
 * <ul>
 *   <li>DJL's two-digit child prefixes go, and the path is joined with dots;
 *   <li>a backbone {@code stageS} / {@code blockB} pair is PaddleSeg's {@code bb_S_B};
 *   <li>the conv and BN inside a conv-BN unit are {@code _conv} and {@code _batch_norm} (the
 *       decoder's final classifier conv is a plain {@code conv});
 *   <li>{@code aspp_blocks_N} is the list entry {@code aspp_blocks.N}; the image-pooling branch is
 *       the second entry of PaddleSeg's {@code global_avg_pool} sequence ({@code
 *       global_avg_pool.1});
 *   <li>the pointwise half of a separable conv is spelled {@code piontwise_conv}, as PaddleSeg
 *       does;
 *   <li>BN's gamma, beta, running mean and variance are {@code weight}, {@code bias}, {@code _mean}
 *       and {@code _variance}.
 * </ul>
 *
 * <p>Names of a backbone block alone come out without the {@code backbone.} prefix, which is how
 * PaddleSeg's ImageNet backbone files name them.
 */
public final class PaddleNames {
  /** DJL prefixes each child name with its index: {@code 01backbone_04stage0_01block0_...}. */
  private static final Pattern CHILD = Pattern.compile("_(?=\\d{2}[A-Za-z])");

  private static final Map<String, String> PARAMETERS =
      Map.of(
          "weight", "weight",
          "bias", "bias",
          "gamma", "weight",
          "beta", "bias",
          "runningMean", "_mean",
          "runningVar", "_variance");

  private PaddleNames() {}

  /** PaddleSeg's name for the DJL parameter name {@code djlName}. */
  public static String of(String djlName) {
    String[] children = CHILD.split(djlName);
    List<String> path = new ArrayList<>();
    for (int i = 0; i < children.length; i++) {
      String child = children[i].replaceFirst("^\\d{2}", "");
      if (i == children.length - 1) {
        int cut = child.lastIndexOf('_');
        String parameter =
            PARAMETERS.getOrDefault(child.substring(cut + 1), child.substring(cut + 1));
        path.add(child.substring(0, cut));
        return join(path) + "." + parameter;
      }
      path.add(child);
    }
    throw new IllegalArgumentException("not a DJL parameter name: " + djlName);
  }

  private static String join(List<String> path) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < path.size(); i++) {
      String segment = path.get(i);
      String parent = i == 0 ? "" : path.get(i - 1);
      if (segment.matches("stage\\d+")
          && i + 1 < path.size()
          && path.get(i + 1).matches("block\\d+")) {
        out.add("bb_" + segment.substring(5) + "_" + path.get(i + 1).substring(5));
        i++;
      } else if (segment.equals("conv") && !parent.equals("decoder")) {
        out.add("_conv");
      } else if (segment.equals("batch_norm")) {
        out.add("_batch_norm");
      } else if (segment.matches("aspp_blocks_\\d+")) {
        out.add("aspp_blocks." + segment.substring("aspp_blocks_".length()));
      } else if (segment.equals("image_pooling")) {
        out.add("global_avg_pool.1");
      } else if (segment.equals("pointwise_conv")) {
        out.add("piontwise_conv");
      } else {
        out.add(segment);
      }
    }
    return String.join(".", out);
  }
}
