package org.distill4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.io.weights.HostArray;

/**
 * Loads arrays named the way PaddleSeg names state entries into a block, with the rules of
 * PaddleSeg's {@code utils.load_pretrained_model}: every entry of the block is looked up by its
 * exact PaddleSeg name; one the file lacks is reported and keeps its value; one of another shape is
 * skipped with a warning naming both shapes; entries of the file the block does not have are
 * ignored (an ImageNet classifier, for example). BN running statistics are entries like any other.
 *
 * <p>Unlike PaddleSeg, a file that matches no entry at all is refused: loading nothing is never
 * what a user meant, and the line says what the file's names look like.
 */
final class ForeignWeights {
  private ForeignWeights() {}

  /** PaddleSeg's name of each parameter of {@code block}, in block order. */
  static Map<String, Parameter> paddleNamed(Block block) {
    Map<String, Parameter> named = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      named.put(PaddleNames.of(p.getKey()), p.getValue());
    }
    return named;
  }

  /**
   * Copies the matching arrays of {@code file} into {@code block}'s parameters in place.
   *
   * @param source the file the arrays came from, for messages
   * @param target PaddleSeg's class name of the block, for the report
   */
  static WeightsLoadReport load(
      Map<String, HostArray> file, Block block, String target, Path source, NDManager manager) {
    Map<String, Parameter> named = paddleNamed(block);
    List<String> warnings = new ArrayList<>();
    Map<Parameter, HostArray> matched = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : named.entrySet()) {
      HostArray array = file.get(e.getKey());
      Shape want = e.getValue().getArray().getShape();
      if (array == null) {
        warnings.add(e.getKey() + " is not in pretrained model");
      } else if (!Arrays.equals(array.shape(), want.getShape())) {
        warnings.add(
            "[SKIP] Shape of pretrained params "
                + e.getKey()
                + " doesn't match.(Pretrained: "
                + array.shapeText()
                + ", Actual: "
                + Arrays.toString(want.getShape())
                + ")");
      } else {
        matched.put(e.getValue(), array);
      }
    }
    if (matched.isEmpty()) {
      throw new ConfigException(
          source
              + ": none of its "
              + file.size()
              + " arrays matches a variable of "
              + target
              + " (its names look like '"
              + file.keySet().iterator().next()
              + "', "
              + target
              + "'s like '"
              + named.keySet().iterator().next()
              + "')"
              + hint(file, target));
    }
    ParameterCopies.run(
        block,
        () -> {
          NDIndex all = new NDIndex("...");
          try (NDManager scratch = manager.newSubManager()) {
            for (Map.Entry<Parameter, HostArray> e : matched.entrySet()) {
              NDArray dst = e.getKey().getArray();
              HostArray src = e.getValue();
              NDArray values = scratch.create(src.values(), new Shape(src.shape()));
              dst.set(all, values.toDevice(dst.getDevice(), false));
            }
          }
        });
    return new WeightsLoadReport(matched.size(), named.size(), target, List.copyOf(warnings));
  }

  private static String hint(Map<String, HostArray> file, String target) {
    boolean wholeModel = file.keySet().stream().anyMatch(k -> k.startsWith("backbone."));
    if (wholeModel && target.equals(DeepLabV3PNames.BACKBONE_CLASS)) {
      return "; it holds a whole model: name it in model.pretrained, not backbone.pretrained";
    }
    if (!wholeModel && target.equals(DeepLabV3PNames.MODEL_CLASS)) {
      return "; it may hold a backbone only: name it in backbone.pretrained";
    }
    return "";
  }

  /** Every parameter of {@code block} under PaddleSeg's names, for writing a .pdparams file. */
  static Map<String, HostArray> export(Block block) {
    Map<String, HostArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : paddleNamed(block).entrySet()) {
      NDArray a = e.getValue().getArray();
      out.put(e.getKey(), new HostArray(a.getShape().getShape(), a.toFloatArray()));
    }
    return out;
  }
}
