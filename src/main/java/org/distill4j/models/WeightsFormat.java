package org.distill4j.models;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.io.weights.Pdparams;

/** The kinds of weights file a model loads, told apart by their first bytes, not their names. */
enum WeightsFormat {
  /** Ours ({@code .params}): DJL's parameter stream behind a header naming the architecture. */
  DISTILL4J,
  /** Paddle's {@code .pdparams}: a pickled state dict with PaddleSeg's names. */
  PADDLE,
  /** safetensors (timm's ImageNet backbones). */
  SAFETENSORS,
  /** Anything else. */
  UNKNOWN;

  static WeightsFormat of(Path file) {
    if (Pdparams.looksLikePickle(file)) {
      return PADDLE;
    }
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(raw)) {
      byte[] head = in.readNBytes(9);
      if (head.length == 9) {
        long headerLength = 0;
        for (int i = 7; i >= 0; i--) {
          headerLength = (headerLength << 8) | (head[i] & 0xff);
        }
        if (head[8] == '{' && headerLength > 1 && headerLength < Files.size(file)) {
          return SAFETENSORS;
        }
      }
    } catch (IOException e) {
      return UNKNOWN;
    }
    return WeightsIO.isOurs(file) ? DISTILL4J : UNKNOWN;
  }
}
