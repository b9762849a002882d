package org.distill4j.models;

import java.util.List;

/**
 * What a weights load did, in PaddleSeg's terms: how many of the target's state entries (BN running
 * statistics included) were loaded, into which class, and a warning per entry skipped.
 *
 * @param loaded entries copied from the file
 * @param total entries the target has
 * @param target PaddleSeg's class name of what was loaded: {@code DeepLabV3P} or {@code ResNet_vd}
 * @param warnings one line per entry the file lacks or holds with another shape
 */
public record WeightsLoadReport(int loaded, int total, String target, List<String> warnings) {
  /** PaddleSeg's closing line, e.g. {@code There are 200/200 variables loaded into DeepLabV3P.} */
  public String summary() {
    return "There are " + loaded + "/" + total + " variables loaded into " + target + ".";
  }
}
