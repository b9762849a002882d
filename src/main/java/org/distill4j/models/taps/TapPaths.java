package org.distill4j.models.taps;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distill4j.config.ConfigException;
import org.distill4j.config.Suggest;

/**
 * Resolves a tap name as a user writes it to the model's canonical name. PaddleSeg's own sublayer
 * names are accepted as aliases, so a PaddleSeg user's adaptor strings work unchanged: {@code
 * backbone.bb_1_0} for {@code backbone.stage1.block0}, {@code global_avg_pool} for {@code
 * image_pooling}, {@code piontwise_conv} (sic) for {@code pointwise_conv}, {@code logit_list[0]}
 * for {@code logit_list.0}.
 */
public final class TapPaths {
  private static final Pattern PADDLE_BLOCK = Pattern.compile("\\bbb_(\\d+)_(\\d+)\\b");
  private static final Pattern BRACKET_INDEX = Pattern.compile("\\[(\\d+)]");
  private static final int SUGGESTIONS = 5;

  private TapPaths() {}

  /** The canonical form of {@code path}, or throws a ConfigException naming the nearest paths. */
  public static String resolve(String path, TapHub taps, String modelName) {
    if (taps.isDeclared(path)) {
      return path;
    }
    String alias = fromPaddleSeg(path);
    if (taps.isDeclared(alias)) {
      return alias;
    }
    List<String> names = taps.names();
    if (path.equals("backbone")) {
      throw new ConfigException(
          "tap path 'backbone' of "
              + modelName
              + " has four outputs; tap one stage: backbone.stage0 .. backbone.stage3 (or"
              + " backbone.feat.0 .. backbone.feat.3)");
    }
    List<String> nearest = Suggest.nearest(path, names, SUGGESTIONS);
    throw new ConfigException(
        "unknown tap path '"
            + path
            + "' in "
            + modelName
            + (nearest.isEmpty() ? "" : "; nearest: " + String.join(", ", nearest))
            + " ("
            + names.size()
            + " paths in all; SegmentationModel.tapPaths() lists them)");
  }

  /** Rewrites PaddleSeg spellings to ours; returns the input when nothing applies. */
  static String fromPaddleSeg(String path) {
    String p = path;
    Matcher m = PADDLE_BLOCK.matcher(p);
    p = m.replaceAll("stage$1.block$2");
    p = BRACKET_INDEX.matcher(p).replaceAll(".$1");
    p = p.replace("global_avg_pool", "image_pooling").replace("piontwise_conv", "pointwise_conv");
    return p;
  }
}
