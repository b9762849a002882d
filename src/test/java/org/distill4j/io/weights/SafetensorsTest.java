package org.distill4j.io.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.distill4j.errors.CheckpointException;
import org.distill4j.testing.Python;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** safetensors files written by a Python script from the format's definition. */
class SafetensorsTest {
  @TempDir static Path dir;

  private static final String FIXTURES =
      String.join(
          "\n",
          "import json, struct, numpy as np",
          "rng = np.random.default_rng(1)",
          "def write(name, tensors, header_extra=None, corrupt=None):",
          "    header, blobs, at = {}, [], 0",
          "    for k, (dtype, arr, raw) in tensors.items():",
          "        header[k] = {'dtype': dtype, 'shape': list(arr.shape),",
          "                     'data_offsets': [at, at + len(raw)]}",
          "        blobs.append(raw); at += len(raw)",
          "    header['__metadata__'] = {'format': 'pt'}",
          "    if header_extra: header.update(header_extra)",
          "    h = json.dumps(header).encode()",
          "    data = struct.pack('<Q', len(h)) + h + b''.join(blobs)",
          "    if corrupt: data = corrupt(data)",
          "    open(name, 'wb').write(data)",
          "w = rng.standard_normal((8, 3, 3, 3)).astype('<f4')",
          "h = rng.standard_normal((5,)).astype('<f2')",
          "b32 = rng.standard_normal((2, 3)).astype('<f4')",
          "b16 = (b32.view('<u4') >> 16).astype('<u2')",
          "d = rng.standard_normal((4,))",
          "n = np.array(7, dtype='<i8')",
          "for k, v in {'w': w, 'h': h.astype('<f4'), 'bf': (b16.astype('<u4') << 16).view('<f4'),",
          "             'd': d.astype('<f4')}.items(): v.astype('<f4').tofile(k + '.f32')",
          "t = {'conv1.0.weight': ('F32', w, w.tobytes()), 'bn1.bias': ('F16', h, h.tobytes()),",
          "     'fc.weight': ('BF16', b32, b16.tobytes()), 'layer1.0.bn1.running_var': ('F64', d, d.tobytes()),",
          "     'bn1.num_batches_tracked': ('I64', n, n.tobytes())}",
          "write('good.safetensors', t)",
          "write('cut.safetensors', t, corrupt=lambda b: b[:-10])",
          "write('badjson.safetensors', t, corrupt=lambda b: b[:8] + b'x' + b[9:])",
          "write('hugeheader.safetensors', t, corrupt=lambda b: struct.pack('<Q', 10**9) + b[8:])",
          "write('int8.safetensors', {'q': ('I8', n, n.tobytes())})",
          "write('complex.safetensors', {'c': ('C64', w, w.tobytes())})",
          "print('ok')");

  @BeforeAll
  static void writeFixtures() {
    assertTrue(Python.run(dir, FIXTURES).contains("ok"));
  }

  private static float[] expected(String name) {
    return Python.float32File(dir.resolve(name + ".f32"));
  }

  @Test
  void floatTensorsOfEveryWidthAreReadAndIntegersLeftOut() throws Exception {
    Map<String, HostArray> t = Safetensors.read(dir.resolve("good.safetensors"));
    assertEquals(
        Set.of("conv1.0.weight", "bn1.bias", "fc.weight", "layer1.0.bn1.running_var"), t.keySet());
    assertArrayEquals(new long[] {8, 3, 3, 3}, t.get("conv1.0.weight").shape());
    assertArrayEquals(expected("w"), t.get("conv1.0.weight").values());
    assertArrayEquals(expected("h"), t.get("bn1.bias").values());
    assertArrayEquals(expected("bf"), t.get("fc.weight").values());
    assertArrayEquals(expected("d"), t.get("layer1.0.bn1.running_var").values());
  }

  @Test
  void damagedFilesAreOneLineNamingTheFile() {
    Map<String, String> cases =
        Map.of(
            "cut.safetensors", "lies outside the data",
            "badjson.safetensors", "not valid JSON",
            "hugeheader.safetensors", "header length",
            "int8.safetensors", "holds no float tensors",
            "complex.safetensors", "dtype C64");
    cases.forEach(
        (name, why) -> {
          Path file = dir.resolve(name);
          CheckpointException e =
              assertThrows(CheckpointException.class, () -> Safetensors.read(file));
          assertTrue(
              e.getMessage().startsWith(file + ": not a readable safetensors file"),
              e.getMessage());
          assertTrue(e.getMessage().contains(why), name + ": " + e.getMessage());
        });
  }
}
