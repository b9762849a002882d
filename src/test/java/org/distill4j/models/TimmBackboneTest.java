package org.distill4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** timm's ResNet-D safetensors files as backbone weights. */
class TimmBackboneTest {
  @TempDir Path dir;

  /** timm's name for a PaddleSeg backbone name (the inverse of the loader's renaming). */
  private static String timmName(String paddle) {
    String[] p = paddle.split("\\.");
    String param =
        switch (p[p.length - 1]) {
          case "_mean" -> "running_mean";
          case "_variance" -> "running_var";
          default -> p[p.length - 1];
        };
    boolean bn = p[p.length - 2].equals("_batch_norm");
    if (p[0].startsWith("conv1_")) {
      int i = p[0].charAt(6) - '1';
      if (i == 2 && bn) {
        return "bn1." + param;
      }
      return "conv1." + (3 * i + (bn ? 1 : 0)) + "." + param;
    }
    String[] bb = p[0].split("_");
    String layer = "layer" + (Integer.parseInt(bb[1]) + 1) + "." + bb[2] + ".";
    if (p[1].equals("short")) {
      return layer + "downsample." + (bn ? 2 : 1) + "." + param;
    }
    int j = Integer.parseInt(p[1].substring(4)) + 1;
    return layer + (bn ? "bn" : "conv") + j + "." + param;
  }

  /** A safetensors file: 8-byte length, JSON header, little-endian float32 data. */
  private static void writeSafetensors(
      Path file, Map<String, float[]> values, Map<String, long[]> shapes) throws Exception {
    JsonObject header = new JsonObject();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (String k : values.keySet()) {
      JsonObject t = new JsonObject();
      t.addProperty("dtype", "F32");
      JsonArray shape = new JsonArray();
      for (long d : shapes.get(k)) {
        shape.add(d);
      }
      t.add("shape", shape);
      JsonArray offsets = new JsonArray();
      offsets.add(data.size());
      ByteBuffer b = ByteBuffer.allocate(values.get(k).length * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(values.get(k));
      data.write(b.array());
      offsets.add(data.size());
      t.add("data_offsets", offsets);
      header.add(k, t);
    }
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(len.array());
    out.write(h);
    out.write(data.toByteArray());
    Files.write(file, out.toByteArray());
  }

  private void loadsEveryEntry(int depth) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(depth);
      SegmentationModel source = TestBlocks.initialised(m, depth, 8, 2);
      Map<String, float[]> values = new LinkedHashMap<>();
      Map<String, long[]> shapes = new LinkedHashMap<>();
      Map<String, Parameter> named =
          ForeignWeights.paddleNamed(source.block().getChildren().get("01backbone"));
      for (Map.Entry<String, Parameter> e : named.entrySet()) {
        if (depth == 18 && e.getKey().startsWith("bb_0_0.short")) {
          continue; // timm's ResNet18-D has an identity shortcut there
        }
        values.put(timmName(e.getKey()), e.getValue().getArray().toFloatArray());
        shapes.put(timmName(e.getKey()), e.getValue().getArray().getShape().getShape());
      }
      values.put("fc.weight", new float[10 * 4]);
      shapes.put("fc.weight", new long[] {10, 4});
      Path file = dir.resolve("resnet" + depth + "d.safetensors");
      writeSafetensors(file, values, shapes);

      SegmentationModel target = TestBlocks.initialised(m, depth, 16, 2);
      List<String> messages = new ArrayList<>();
      target.setMessages(messages::add);
      WeightsLoadReport report = target.loadBackboneWeights(file);
      int n = named.size();
      assertEquals(n, report.loaded(), messages.toString());
      assertEquals(
          "There are " + n + "/" + n + " variables loaded into ResNet_vd.",
          messages.get(messages.size() - 1));
      Map<String, Parameter> loaded =
          ForeignWeights.paddleNamed(target.block().getChildren().get("01backbone"));
      for (String k : values.keySet()) {
        if (k.startsWith("fc.")) {
          continue;
        }
        String paddle = TimmResNetNames.paddleName(k);
        assertArrayEquals(values.get(k), loaded.get(paddle).getArray().toFloatArray(), k);
      }
      if (depth == 18) {
        assertTrue(messages.get(0).startsWith("NOTE: the file has no projection"), messages.get(0));
        float[] kernel = loaded.get("bb_0_0.short._conv.weight").getArray().toFloatArray();
        assertEquals(1f, kernel[0]);
        assertEquals(0f, kernel[1]);
        assertEquals(1f, kernel[65]);
        assertArrayEquals(
            new float[64], loaded.get("bb_0_0.short._batch_norm._mean").getArray().toFloatArray());
      } else {
        assertEquals(1, messages.size(), messages.toString());
      }
    }
  }

  @Test
  void resnet18dLoadsWithAnIdentityProjection() throws Exception {
    loadsEveryEntry(18);
  }

  @Test
  void resnet50dLoadsEveryEntry() throws Exception {
    loadsEveryEntry(50);
  }

  @Test
  void namesWithoutACounterpartAreLeftOut() {
    assertEquals(null, TimmResNetNames.paddleName("fc.weight"));
    assertEquals(null, TimmResNetNames.paddleName("bn1.num_batches_tracked"));
    assertEquals("conv1_3._batch_norm._variance", TimmResNetNames.paddleName("bn1.running_var"));
    assertEquals("bb_2_5.conv2._conv.weight", TimmResNetNames.paddleName("layer3.5.conv3.weight"));
    assertEquals(
        "bb_1_0.short._batch_norm.bias", TimmResNetNames.paddleName("layer2.0.downsample.2.bias"));
  }
}
