package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.distill4j.config.ConfigLoader;
import org.distill4j.testing.SmokeRuns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Seeded fuzzing of the two inputs a user hands the tool: configs (values of the wrong type or
 * range, keys deleted, values wrapped in lists and maps, typos, text cut short) and image and label
 * files (random bytes, truncated or corrupted PNGs), list files (byte-order marks, CRLF, blank
 * lines, UTF-16 and Latin-1, tabs, extra fields) and images in other formats (grey, RGBA, 16-bit,
 * palette PNGs) or with an EXIF orientation tag. Whatever the input, the tool answers with its own
 * one-line error (exit code 2) or accepts it (exit code 0): never an unexpected exception, never a
 * stack trace.
 */
@Tag("slow")
class FuzzInputsTest {
  private static final int CONFIG_CASES = 300;
  private static final int DATA_CASES = 20;
  private static final Object[] VALUES = {
    -1,
    0,
    1,
    3,
    0.5,
    -0.5,
    1e-9,
    "x",
    "",
    true,
    null,
    List.of(),
    Map.of(),
    List.of(1, 2),
    Map.of("a", 1),
    "NaN",
    Double.NaN,
    List.of("x", "y", "z")
  };

  @TempDir static Path tmp;
  static Path data;
  static Map<String, Object> resolved;

  @BeforeAll
  static void dataAndConfig() throws Exception {
    data = tmp.resolve("optic");
    SmokeRuns.dataset(data, 6, 2, 1, 48);
    Path base = tmp.resolve("base.yml");
    Files.writeString(
        base,
        SmokeRuns.baseYaml(SmokeRuns.STUDENT, data)
            + "distill:\n"
            + "  student_adaptor: {hidden_0: backbone.stage3}\n"
            + "  teacher_adaptor: {hidden_0: backbone.stage3}\n"
            + "  entries:\n"
            + "    - {feature_type: hidden, s_feature_idx: 0, t_feature_idx: 0,"
            + " loss_function: L1Loss, weight: 0.5}\n");
    resolved = ConfigLoader.load(base).root().raw();
  }

  /** Exit code and stderr of one in-process run. */
  record Outcome(int code, String err) {}

  private static Outcome run(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(code, err.toString(StandardCharsets.UTF_8));
  }

  /** Null when accepted or refused with the tool's own single line; else what went wrong. */
  private static String problem(Outcome o, String what) {
    String detail = what + ": exit " + o.code + "\n" + o.err;
    List<String> errors =
        o.err
            .lines()
            // The data check's report is one error line, then one indented line per bad file.
            .filter(l -> !l.startsWith("warning: ") && !l.isBlank() && !l.startsWith("  "))
            .toList();
    if (o.code == Main.OK) {
      return errors.isEmpty() ? null : detail;
    }
    if (o.code != Main.USAGE || errors.size() != 1) {
      return detail;
    }
    String line = errors.get(0);
    boolean own =
        line.startsWith("error: ") && !line.contains("Exception") && !line.contains("failed:");
    return own ? null : detail;
  }

  @Test
  void mutatedConfigsGetAnAnswerOfTheToolsOwn() throws Exception {
    Yaml yaml = new Yaml(flowStyle());
    int refused = 0;
    int accepted = 0;
    List<String> problems = new ArrayList<>();
    for (int c = 0; c < CONFIG_CASES; c++) {
      Random random = new Random(1000 + c);
      Object tree = deepCopy(resolved);
      List<String> applied = new ArrayList<>();
      int mutations = 1 + random.nextInt(3);
      for (int m = 0; m < mutations; m++) {
        applied.add(mutate(tree, random));
      }
      String text = yaml.dump(tree);
      if (random.nextInt(8) == 0) {
        text = text.substring(0, random.nextInt(text.length())); // cut short
        applied.add("text cut at " + text.length());
      }
      Path file = tmp.resolve("fuzz_" + c + ".yml");
      Files.writeString(file, text);
      Outcome o = run("check", "--config", file.toString());
      String problem = problem(o, "case " + c + " " + applied);
      if (problem != null) {
        problems.add(problem);
      }
      if (o.code == Main.USAGE) {
        refused++;
      } else {
        accepted++;
      }
    }
    assertTrue(problems.isEmpty(), problems.size() + " answers not the tool's own:\n" + problems);
    // The mutations reach the validation: most configs are refused, some survive.
    assertTrue(refused > CONFIG_CASES / 2, "refused " + refused);
    assertTrue(accepted > 0, "accepted " + accepted);
  }

  @Test
  void randomBytesAsImagesAndLabelsAreReportedNotThrown() throws Exception {
    Path config = tmp.resolve("data_fuzz.yml");
    List<String> problems = new ArrayList<>();
    int refused = 0;
    for (int c = 0; c < DATA_CASES; c++) {
      Random random = new Random(2000 + c);
      Path copy = tmp.resolve("data_" + c);
      copyTree(data, copy);
      List<Path> files = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(copy)) {
        walk.filter(p -> p.toString().endsWith(".jpg") || p.toString().endsWith(".png"))
            .sorted()
            .forEach(files::add);
      }
      List<String> damaged = new ArrayList<>();
      int count = 1 + random.nextInt(3);
      for (int k = 0; k < count; k++) {
        Path victim = files.get(random.nextInt(files.size()));
        damaged.add(copy.relativize(victim) + ":" + damage(victim, random));
      }
      Files.writeString(
          config,
          "_base_: '"
              + Paths.get("configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml")
                  .toAbsolutePath()
              + "'\niters: 1\ntrain_dataset: {dataset_root: '"
              + copy
              + "'}\nval_dataset: {dataset_root: '"
              + copy
              + "'}\n");
      Outcome check = run("check", "--config", config.toString());
      problems.add(problem(check, "check, case " + c + " " + damaged));
      if (check.code == Main.USAGE) {
        refused++;
      }
      Outcome train =
          run(
              "train",
              "--config",
              config.toString(),
              "--save_dir",
              tmp.resolve("out_" + c).toString(),
              "--do_eval");
      problems.add(problem(train, "train, case " + c + " " + damaged));
    }
    problems.removeIf(java.util.Objects::isNull);
    assertTrue(problems.isEmpty(), problems.size() + " answers not the tool's own:\n" + problems);
    // Bytes flipped inside a JPEG's entropy-coded data may still decode; the rest must not pass.
    assertTrue(refused > DATA_CASES / 2, "refused " + refused + " of " + DATA_CASES);
  }

  private static final int FORMAT_CASES = 24;

  @Test
  void listFileEncodingsAndImageFormatsGetTheToolsOwnAnswer() throws Exception {
    Path config = tmp.resolve("format_fuzz.yml");
    List<String> problems = new ArrayList<>();
    int accepted = 0;
    for (int c = 0; c < FORMAT_CASES; c++) {
      Random random = new Random(3000 + c);
      Path copy = tmp.resolve("format_" + c);
      copyTree(data, copy);
      String change =
          random.nextBoolean() ? mutateListFile(copy, random) : convertImage(copy, random);
      Files.writeString(
          config,
          "_base_: '"
              + Paths.get("configs/smoke/deeplabv3p_resnet18_os8_optic_disc_smoke_student.yml")
                  .toAbsolutePath()
              + "'\niters: 1\ntrain_dataset: {dataset_root: '"
              + copy
              + "'}\nval_dataset: {dataset_root: '"
              + copy
              + "'}\n");
      Outcome check = run("check", "--config", config.toString());
      problems.add(problem(check, "check, case " + c + " " + change));
      // Lossless changes must be accepted, text that is not a valid list must be refused.
      boolean mustPass =
          !change.contains("UTF-16")
              && !change.contains("Latin-1")
              && !change.contains("third field");
      assertEquals(
          mustPass ? Main.OK : Main.USAGE,
          check.code,
          "case " + c + " " + change + "\n" + check.err);
      if (check.code == Main.OK) {
        accepted++;
        if (c % 6 == 0) { // an accepted input also trains
          Outcome train =
              run(
                  "train",
                  "--config",
                  config.toString(),
                  "--save_dir",
                  tmp.resolve("fmt_" + c).toString());
          problems.add(problem(train, "train, case " + c + " " + change));
          assertEquals(
              Main.OK, train.code, "train after an accepted check, case " + c + " " + change);
        }
      }
    }
    problems.removeIf(java.util.Objects::isNull);
    assertTrue(problems.isEmpty(), problems.size() + " answers not the tool's own:\n" + problems);
    // Byte-order marks, CRLF, blank lines and lossless format changes must be accepted.
    assertTrue(accepted > FORMAT_CASES / 3, "accepted " + accepted + " of " + FORMAT_CASES);
  }

  /** Rewrites train_list.txt with another encoding, line ending, separator or field count. */
  private static String mutateListFile(Path root, Random random) throws Exception {
    Path list = root.resolve("train_list.txt");
    String text = Files.readString(list);
    switch (random.nextInt(7)) {
      case 0 -> {
        Files.write(list, ("\uFEFF" + text).getBytes(StandardCharsets.UTF_8));
        return "list: byte-order mark";
      }
      case 1 -> {
        Files.writeString(list, text.replace("\n", "\r\n"));
        return "list: CRLF";
      }
      case 2 -> {
        Files.writeString(list, "\n\n" + text.replace("\n", "\n\n  \n"));
        return "list: blank lines";
      }
      case 3 -> {
        Files.write(list, text.getBytes(StandardCharsets.UTF_16));
        return "list: UTF-16";
      }
      case 4 -> {
        Files.write(
            list,
            (text + "JPEGImages/\u00e9t\u00e9.jpg x.png\n").getBytes(StandardCharsets.ISO_8859_1));
        return "list: Latin-1 name";
      }
      case 5 -> {
        Files.writeString(list, text.replaceFirst(" ", "\t"));
        return "list: a tab instead of a blank";
      }
      default -> {
        Files.writeString(list, text.replaceFirst("\n", " extra\n"));
        return "list: a third field";
      }
    }
  }

  /** Replaces one training image by the same picture in another format or channel layout. */
  private static String convertImage(Path root, Random random) throws Exception {
    List<Path> images;
    try (Stream<Path> walk = Files.walk(root.resolve("JPEGImages"))) {
      images = walk.filter(Files::isRegularFile).sorted().toList();
    }
    Path victim = images.get(random.nextInt(images.size()));
    if (random.nextInt(3) == 0) {
      int orientation = 1 + random.nextInt(8);
      byte[] jpeg = Files.readAllBytes(victim);
      Files.write(victim, withExifOrientation(jpeg, orientation));
      // The images are square, so every orientation keeps the label's size.
      return "image " + root.relativize(victim) + " with EXIF orientation " + orientation;
    }
    java.awt.image.BufferedImage rgb = javax.imageio.ImageIO.read(victim.toFile());
    int type =
        switch (random.nextInt(4)) {
          case 0 -> java.awt.image.BufferedImage.TYPE_BYTE_GRAY;
          case 1 -> java.awt.image.BufferedImage.TYPE_INT_ARGB;
          case 2 -> java.awt.image.BufferedImage.TYPE_USHORT_GRAY;
          default -> java.awt.image.BufferedImage.TYPE_BYTE_INDEXED;
        };
    java.awt.image.BufferedImage converted =
        new java.awt.image.BufferedImage(rgb.getWidth(), rgb.getHeight(), type);
    converted.getGraphics().drawImage(rgb, 0, 0, null);
    // The file keeps its name: a PNG behind a .jpg name is what users' folders hold too.
    javax.imageio.ImageIO.write(converted, "png", victim.toFile());
    return "image " + root.relativize(victim) + " as a PNG of type " + type;
  }

  /**
   * The JPEG with an EXIF segment holding only an orientation tag, inserted after the SOI marker (a
   * little-endian TIFF header, one IFD entry 0x0112 SHORT).
   */
  private static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    java.nio.ByteBuffer tiff =
        java.nio.ByteBuffer.allocate(26).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8); // header, IFD at 8
    tiff.putShort((short) 1); // one entry
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation);
    tiff.putShort((short) 0).putInt(0); // value padding, no next IFD
    byte[] exif = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
    int length = 2 + exif.length + tiff.capacity();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(jpeg, 0, 2); // SOI
    out.write(0xFF);
    out.write(0xE1); // APP1
    out.write(length >> 8);
    out.write(length & 0xFF);
    out.write(exif, 0, exif.length);
    out.write(tiff.array(), 0, tiff.capacity());
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  /** Overwrites {@code file} with random bytes, a cut-off copy, or a copy with bytes flipped. */
  private static String damage(Path file, Random random) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    switch (random.nextInt(3)) {
      case 0 -> {
        byte[] noise = new byte[random.nextInt(4096)];
        random.nextBytes(noise);
        Files.write(file, noise);
        return "random bytes";
      }
      case 1 -> {
        Files.write(file, Arrays.copyOf(bytes, random.nextInt(bytes.length)));
        return "truncated";
      }
      default -> {
        for (int i = 0; i < 16; i++) {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
        }
        Files.write(file, bytes);
        return "bytes flipped";
      }
    }
  }

  /** One random change somewhere in the tree; returns what it did. */
  @SuppressWarnings("unchecked")
  private static String mutate(Object tree, Random random) {
    List<Object[]> slots = new ArrayList<>(); // {container, key or index, path}
    collect(tree, "", slots);
    Object[] slot = slots.get(random.nextInt(slots.size()));
    String path = (String) slot[2];
    Object value = VALUES[random.nextInt(VALUES.length)];
    if (slot[0] instanceof Map<?, ?> raw) {
      Map<String, Object> map = (Map<String, Object>) raw;
      String key = (String) slot[1];
      switch (random.nextInt(5)) {
        case 0 -> {
          map.remove(key);
          return "deleted " + path;
        }
        case 1 -> {
          map.put(key, List.of(String.valueOf(map.get(key))));
          return "wrapped " + path + " in a list";
        }
        case 2 -> {
          Object old = map.remove(key);
          map.put(key.length() > 1 ? key.substring(1) : key + "x", old);
          return "renamed " + path;
        }
        default -> {
          map.put(key, value);
          return path + " = " + value;
        }
      }
    }
    List<Object> list = (List<Object>) slot[0];
    int index = (Integer) slot[1];
    if (random.nextBoolean()) {
      list.remove(index);
      return "deleted " + path;
    }
    list.set(index, value);
    return path + " = " + value;
  }

  @SuppressWarnings("unchecked")
  private static void collect(Object node, String path, List<Object[]> slots) {
    if (node instanceof Map<?, ?> map) {
      for (Object key : new ArrayList<>(map.keySet())) {
        String child = path.isEmpty() ? key.toString() : path + "." + key;
        slots.add(new Object[] {map, key, child});
        collect(map.get(key), child, slots);
      }
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        String child = path + "[" + i + "]";
        slots.add(new Object[] {list, i, child});
        collect(list.get(i), child, slots);
      }
    }
  }

  private static Object deepCopy(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k.toString(), deepCopy(v)));
      return out;
    }
    if (node instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(deepCopy(v)));
      return out;
    }
    return node;
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static DumperOptions flowStyle() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return options;
  }
}
