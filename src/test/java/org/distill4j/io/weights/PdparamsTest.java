package org.distill4j.io.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.distill4j.config.ConfigException;
import org.distill4j.errors.CheckpointException;
import org.distill4j.errors.Distill4jException;
import org.distill4j.testing.Python;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader against files written by Python's own pickle with numpy, the way paddle.save writes a
 * state dict (protocols 4 and 2), and the writer against Python's loader.
 */
class PdparamsTest {
  @TempDir static Path dir;

  /**
   * Writes p4.pdparams and p2.pdparams (same content), a split-array file, a numpy-2-style file,
   * some broken files, and for each array NAME its float32 C-order values as NAME.f32 (what the
   * reader must return).
   */
  private static final String FIXTURES =
      String.join(
          "\n",
          "import pickle, numpy as np",
          "rng = np.random.default_rng(7)",
          "d = {}",
          "d['backbone.conv1_1._conv.weight'] = rng.standard_normal((32, 3, 3, 3)).astype('f4')",
          "d['backbone.conv1_1._batch_norm._mean'] = rng.standard_normal(32).astype('f4')",
          "d['backbone.conv1_1._batch_norm._variance'] = rng.random(32).astype('f4') + 0.5",
          "d['head.decoder.conv.bias'] = rng.standard_normal(2)  # float64",
          "d['head.half'] = rng.standard_normal((4, 5)).astype('f2')",
          "d['head.fortran'] = np.asfortranarray(rng.standard_normal((3, 4, 5)).astype('f4'))",
          "d['head.bigendian'] = rng.standard_normal(6).astype('>f4')",
          "d['head.scalar'] = np.array(2.5, dtype='f4')",
          "d['head.counter'] = np.array([3, 4], dtype='i8')",
          "for k, v in d.items():",
          "    np.ascontiguousarray(v, dtype='<f4').tofile(k + '.f32')",
          "full = dict(d)",
          "full['StructuredToParameterName@@'] = {k: 'tensor_%d' % i for i, k in enumerate(d)}",
          "full['epoch'] = 3",
          "for p in (2, 4):",
          "    with open('p%d.pdparams' % p, 'wb') as f: pickle.dump(full, f, protocol=p)",
          "big = rng.standard_normal((7, 5)).astype('f4')",
          "big.tofile('head.big.f32')",
          "flat = big.flatten()",
          "split = {'head.small': d['head.scalar']}",
          "names = []",
          "for i, start in enumerate(range(0, 35, 15)):",
          "    split['head.big@@.%d' % i] = flat[start:start + 15]",
          "    names.append('head.big@@.%d' % i)",
          "split['UnpackBigParamInfor@@'] = {'head.big': {'OriginShape': (7, 5), 'slices': names}}",
          "with open('split.pdparams', 'wb') as f: pickle.dump(split, f, protocol=2)",
          "raw = pickle.dumps({'a': d['head.fortran']}, protocol=2)",
          "with open('numpy2.pdparams', 'wb') as f:",
          "    f.write(raw.replace(b'numpy.core.multiarray', b'numpy._core.multiarray'))",
          "with open('list.pdparams', 'wb') as f: pickle.dump([1, 2], f, protocol=4)",
          "with open('empty.pdparams', 'wb') as f: pickle.dump({'epoch': 1}, f, protocol=4)",
          "with open('objects.pdparams', 'wb') as f:",
          "    pickle.dump({'w': np.array(['x', None], dtype=object)}, f, protocol=4)",
          "with open('p4.pdparams', 'rb') as f: whole = f.read()",
          "with open('truncated.pdparams', 'wb') as f: f.write(whole[: len(whole) // 2])",
          "with open('text.pdparams', 'w') as f: f.write('not weights\\n')",
          "print('ok')");

  @BeforeAll
  static void writeFixturesWithPython() {
    assertTrue(Python.run(dir, FIXTURES).contains("ok"));
  }

  private static float[] expected(String name) {
    return Python.float32File(dir.resolve(name + ".f32"));
  }

  private static final List<String> NAMES =
      List.of(
          "backbone.conv1_1._conv.weight",
          "backbone.conv1_1._batch_norm._mean",
          "backbone.conv1_1._batch_norm._variance",
          "head.decoder.conv.bias",
          "head.half",
          "head.fortran",
          "head.bigendian",
          "head.scalar",
          "head.counter");

  @Test
  void protocolsFourAndTwoGiveEveryArrayBitForBitInFileOrder() throws Exception {
    for (String file : List.of("p4.pdparams", "p2.pdparams")) {
      Map<String, HostArray> read = Pdparams.read(dir.resolve(file));
      assertEquals(new TreeSet<>(NAMES), read.keySet(), file + ": every array, nothing else");
      for (String name : NAMES) {
        assertArrayEquals(expected(name), read.get(name).values(), file + " " + name);
      }
      assertArrayEquals(new long[] {32, 3, 3, 3}, read.get(NAMES.get(0)).shape());
      assertArrayEquals(new long[] {3, 4, 5}, read.get("head.fortran").shape());
      assertArrayEquals(new long[] {}, read.get("head.scalar").shape());
    }
  }

  @Test
  void splitArraysAreJoinedAndTheirPiecesLeftOut() throws Exception {
    Map<String, HostArray> read = Pdparams.read(dir.resolve("split.pdparams"));
    assertEquals(Set.of("head.small", "head.big"), read.keySet());
    assertArrayEquals(new long[] {7, 5}, read.get("head.big").shape());
    assertArrayEquals(expected("head.big"), read.get("head.big").values());
  }

  @Test
  void numpyTwoModuleNamesAreRead() throws Exception {
    Map<String, HostArray> read = Pdparams.read(dir.resolve("numpy2.pdparams"));
    assertArrayEquals(expected("head.fortran"), read.get("a").values());
  }

  @Test
  void filesThatAreNotPaddleWeightsAreOneLineNamingTheFile() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("text.pdparams", "not a Paddle weights file");
    cases.put("list.pdparams", "holds a list or tuple, not a dict");
    cases.put("empty.pdparams", "holds no arrays");
    cases.put("truncated.pdparams", "truncated");
    cases.put("objects.pdparams", "holding Python objects, not numbers");
    cases.put("missing.pdparams", "no such file");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path file = dir.resolve(c.getKey());
      Distill4jException e = assertThrows(Distill4jException.class, () -> Pdparams.read(file));
      // A file that is not weights is the user's mistake; one whose pickle or array data is cut
      // or unreadable is the damaged-file kind.
      boolean damaged = Set.of("truncated.pdparams", "objects.pdparams").contains(c.getKey());
      assertEquals(damaged, e instanceof CheckpointException, c.getKey() + ": " + e.getMessage());
      assertEquals(!damaged, e instanceof ConfigException, c.getKey());
      String m = e.getMessage();
      assertTrue(m.startsWith(file.toString()), m);
      assertTrue(m.contains(c.getValue()), c.getKey() + ": " + m);
      assertFalse(m.contains("\n"), m);
      assertFalse(m.matches(".*[A-Z][A-Za-z]+(Exception|Error)\\b.*"), m);
    }
  }

  private static Map<String, HostArray> randomArrays() {
    Random r = new Random(3);
    Map<String, HostArray> arrays = new LinkedHashMap<>();
    long[][] shapes = {{64, 3, 3, 3}, {64}, {2, 304, 1, 1}, {}, {300, 1}};
    String[] names = {
      "backbone.conv1_1._conv.weight",
      "backbone.conv1_1._batch_norm._variance",
      "head.decoder.conv.weight",
      "a.scalar",
      "a." + "long_name".repeat(40)
    };
    for (int i = 0; i < names.length; i++) {
      int n = 1;
      for (long d : shapes[i]) {
        n *= (int) d;
      }
      float[] v = new float[n];
      for (int j = 0; j < n; j++) {
        v[j] = (float) r.nextGaussian();
      }
      arrays.put(names[i], new HostArray(shapes[i], v));
    }
    return arrays;
  }

  @Test
  void writtenFilesLoadInPythonWithTheSameNamesShapesAndBits() throws Exception {
    Map<String, HostArray> arrays = randomArrays();
    Path file = dir.resolve("ours.pdparams");
    Pdparams.write(arrays, file);
    String out =
        Python.run(
            dir,
            String.join(
                "\n",
                "import pickle, sys, numpy as np",
                "d = pickle.load(open(sys.argv[1], 'rb'))",
                "for k, v in d.items():",
                "    assert v.dtype == np.float32 and v.flags['C_CONTIGUOUS'], k",
                "    v.astype('<f4').tofile('py_' + str(len(k)) + '.f32')",
                "    print(k, list(v.shape))"),
            file.toString());
    List<String> lines = out.strip().lines().toList();
    List<String> names = new ArrayList<>(arrays.keySet());
    assertEquals(names.size(), lines.size(), out);
    for (int i = 0; i < names.size(); i++) {
      HostArray a = arrays.get(names.get(i));
      assertEquals(
          names.get(i) + " " + java.util.Arrays.toString(a.shape()).replace(" ", ""),
          lines.get(i).replace(" [", " [").replace(", ", ","));
      assertArrayEquals(a.values(), expected("py_" + names.get(i).length()), names.get(i));
    }
  }

  @Test
  void writeThenReadIsBitIdentical() {
    Map<String, HostArray> arrays = randomArrays();
    Path file = dir.resolve("roundtrip.pdparams");
    Pdparams.write(arrays, file);
    Map<String, HostArray> back = Pdparams.read(file);
    assertEquals(arrays.keySet(), back.keySet());
    for (String k : arrays.keySet()) {
      assertArrayEquals(arrays.get(k).shape(), back.get(k).shape(), k);
      assertArrayEquals(arrays.get(k).values(), back.get(k).values(), k);
    }
  }
}
