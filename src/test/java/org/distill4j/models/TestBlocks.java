package org.distill4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.models.backbones.ResNetVdSpec;
import org.distill4j.models.taps.TappedBlock;

/** Helpers shared by the model tests. */
public final class TestBlocks {
  private TestBlocks() {}

  /** The block with our dotted path {@code path} under {@code root}. */
  public static TappedBlock find(Block root, String path) {
    TappedBlock hit = findOrNull(root, path);
    if (hit == null) {
      throw new AssertionError("no block with path " + path);
    }
    return hit;
  }

  private static TappedBlock findOrNull(Block b, String path) {
    if (b instanceof TappedBlock && ((TappedBlock) b).path().equals(path)) {
      return (TappedBlock) b;
    }
    for (Pair<String, Block> child : b.getChildren()) {
      TappedBlock hit = findOrNull(child.getValue(), path);
      if (hit != null) {
        return hit;
      }
    }
    return null;
  }

  /** A direct parameter of {@code block} or its plain children, by DJL parameter name. */
  public static Parameter param(Block block, String djlName) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getKey().endsWith(djlName)) {
        return p.getValue();
      }
    }
    throw new AssertionError("no parameter ending in " + djlName + " in " + block);
  }

  /** Copies of every parameter array's values, in block order. */
  public static List<float[]> values(Block block) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  /** DeepLabV3P with the tutorial's head settings and a ResNet_vd backbone. */
  public static SegmentationModel deepLab(int layers, int outputStride, int numClasses) {
    return DeepLabV3P.builder()
        .setNumClasses(numClasses)
        .setBackbone(
            ResNetVdSpec.builder(layers)
                .optOutputStride(outputStride)
                .optMultiGrid(1, 2, 4)
                .build())
        .optAsppRatios(1, 12, 24, 36)
        .build();
  }

  /** An initialised model in {@code manager}. */
  public static SegmentationModel initialised(
      NDManager manager, int layers, int outputStride, int numClasses) {
    SegmentationModel m = deepLab(layers, outputStride, numClasses);
    m.initialize(manager, new Shape(1, 3, 64, 64));
    return m;
  }

  /** Max absolute difference. */
  public static float maxDiff(NDArray a, NDArray b) {
    return a.sub(b).abs().max().getFloat();
  }
}
