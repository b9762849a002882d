package org.distill4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package layering that the package-info files describe: the sub-packages of {@code
 * models} never reach up into {@code org.distill4j.models} (or sideways against the order taps <
 * layers < backbones, deeplab), and the data layer never reaches up into the loader, the synthetic
 * generator or anything that trains. Reads the sources under {@code src/main/java}: an import, a
 * static import or a fully qualified name in code (comments are ignored) counts as a dependency.
 */
class PackageDependenciesTest {
  private static final Path SOURCES = Path.of("src/main/java");

  /** A reference to a class of the package itself, not of one of its sub-packages. */
  private static String classOf(String pkg) {
    return Pattern.quote(pkg) + "\\.(?:[A-Z]\\w*|\\*)";
  }

  private static String anyOf(String pkg) {
    return Pattern.quote(pkg) + "\\.";
  }

  private static final String MODELS = "org.distill4j.models";
  private static final String DATA = "org.distill4j.data";
  private static final String ABOVE_DATA =
      "org\\.distill4j\\.(?:synthetic|models|losses|distill|train|eval|viz|app|tutorial|cli|bench)\\.";

  /** Package -> what its sources must not refer to. */
  private static final List<Rule> RULES =
      List.of(
          new Rule(MODELS + ".taps", classOf(MODELS), anyOf(MODELS + ".layers")),
          new Rule(MODELS + ".taps", anyOf(MODELS + ".backbones"), anyOf(MODELS + ".deeplab")),
          new Rule(MODELS + ".layers", classOf(MODELS), anyOf(MODELS + ".backbones")),
          new Rule(MODELS + ".layers", anyOf(MODELS + ".deeplab")),
          new Rule(MODELS + ".backbones", classOf(MODELS), anyOf(MODELS + ".deeplab")),
          new Rule(MODELS + ".deeplab", classOf(MODELS), anyOf(MODELS + ".backbones")),
          new Rule(DATA + ".transforms", classOf(DATA), anyOf(DATA + ".loader"), ABOVE_DATA),
          new Rule(DATA, anyOf(DATA + ".loader"), ABOVE_DATA),
          new Rule(DATA + ".loader", ABOVE_DATA));

  private record Rule(String pkg, String... forbidden) {}

  @Test
  void noPackageReachesUpOrAcrossTheLayering() throws IOException {
    List<String> violations = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file :
          (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
        String source = Files.readString(file, StandardCharsets.UTF_8);
        for (Rule rule : RULES) {
          if (rule.pkg().equals(pkg)) {
            checked++;
            violations.addAll(violations(file.toString(), source, rule.forbidden()));
          }
        }
      }
    }
    // Guards against the scan silently finding nothing (a moved source root, a renamed package).
    assertTrue(checked > 40, "only " + checked + " source files were checked");
    assertEquals(List.of(), violations, "dependencies against the package layering");
  }

  /** A package named in code: {@code org.distill4j.<lower-case parts>} before a class name. */
  private static final Pattern PACKAGE_REF =
      Pattern.compile("\\b(org\\.distill4j(?:\\.[a-z]\\w*)*)\\.[A-Z*]");

  @Test
  void noTwoPackagesDependOnEachOther() throws IOException {
    Map<String, Set<String>> uses = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file :
          (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
        Matcher m = PACKAGE_REF.matcher(withoutComments(Files.readString(file)));
        Set<String> used = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            used.add(m.group(1));
          }
        }
      }
    }
    assertTrue(uses.size() > 20, "only " + uses.size() + " packages were found");
    assertEquals(List.of(), cycles(uses), "packages that depend on each other, directly or not");
  }

  @Test
  void aCycleThroughThreePackagesIsFound() {
    Map<String, Set<String>> uses =
        Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
    assertEquals(List.of(List.of("a", "b", "c")), cycles(uses));
    assertEquals(List.of(), cycles(Map.of("a", Set.of("b"), "b", Set.of())));
  }

  /** The groups of packages that reach each other (Tarjan's strongly connected components). */
  static List<List<String>> cycles(Map<String, Set<String>> uses) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    List<List<String>> found = new ArrayList<>();
    for (String pkg : new TreeSet<>(uses.keySet())) {
      if (!index.containsKey(pkg)) {
        connect(pkg, uses, index, low, stack, found);
      }
    }
    return found;
  }

  private static void connect(
      String v,
      Map<String, Set<String>> uses,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      List<List<String>> found) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    for (String w : uses.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, uses, index, low, stack, found);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      List<String> group = new ArrayList<>();
      String w;
      do {
        w = stack.pop();
        group.add(w);
      } while (!w.equals(v));
      if (group.size() > 1) {
        group.sort(null);
        found.add(group);
      }
    }
  }

  @Test
  void scanSeesImportsStaticImportsAndQualifiedNamesButNotComments() {
    String forbidden = classOf(MODELS);
    String source =
        String.join(
            "\n",
            "package org.distill4j.models.layers;",
            "import org.distill4j.models.SegmentationModel;",
            "import static org.distill4j.models.Models.registry;",
            "import org.distill4j.models.taps.TapHub;",
            "/** See {@link org.distill4j.models.SegmentationModel}. */",
            "class X { // org.distill4j.models.Models in a comment",
            "  char quote = '\"'; // org.distill4j.models.Models after a char literal",
            "  Object o = new org.distill4j.models.TapRecorder(\"a\");",
            "}");
    List<String> found = violations("X.java", source, forbidden);
    assertEquals(3, found.size(), found.toString());
    assertTrue(found.get(0).startsWith("X.java:2: "), found.get(0));
    assertTrue(found.get(1).startsWith("X.java:3: "), found.get(1));
    assertTrue(found.get(2).startsWith("X.java:8: "), found.get(2));
    assertEquals(
        List.of(), violations("Y.java", "import org.distill4j.models.taps.TapHub;", forbidden));
  }

  /** Each line of {@code source}, comments blanked, that refers to a forbidden pattern. */
  static List<String> violations(String name, String source, String... forbidden) {
    String code = withoutComments(source);
    List<String> found = new ArrayList<>();
    String[] lines = code.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      for (String f : forbidden) {
        Matcher m = Pattern.compile(f).matcher(lines[i]);
        if (m.find()) {
          found.add(name + ":" + (i + 1) + ": " + lines[i].strip());
          break;
        }
      }
    }
    return found;
  }

  /** Blanks block and line comments, keeping line breaks so line numbers stay right. */
  private static String withoutComments(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    boolean inString = false;
    while (i < source.length()) {
      char c = source.charAt(i);
      if (inString) {
        out.append(c);
        if (c == '\\' && i + 1 < source.length()) {
          out.append(source.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
        i++;
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        end = end < 0 ? source.length() : end + 2;
        for (int k = i; k < end; k++) {
          out.append(source.charAt(k) == '\n' ? '\n' : ' ');
        }
        i = end;
      } else if (source.startsWith("//", i)) {
        while (i < source.length() && source.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '\'') {
        // A char literal such as '"' must not open a string.
        int end = source.indexOf('\'', i + (source.startsWith("'\\", i) ? 3 : 1));
        end = end < 0 ? source.length() : end + 1;
        out.append(source, i, end);
        i = end;
      } else {
        inString = c == '"';
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
