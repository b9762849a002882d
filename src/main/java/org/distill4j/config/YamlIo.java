package org.distill4j.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/** Reads and writes YAML config files, turning parser failures into one-line errors. */
final class YamlIo {
  private YamlIo() {}

  /**
   * Parses one file into a mutable tree of {@code LinkedHashMap<String, Object>} and {@code
   * ArrayList}. YAML 1.1 scalars apply, so {@code Null}/{@code ~} are null and {@code False} is a
   * boolean, as in PaddleSeg's PyYAML loading.
   */
  static Object read(Path file) {
    LoaderOptions options = new LoaderOptions();
    // PyYAML silently keeps the last of two equal keys; reject them instead of losing one.
    options.setAllowDuplicateKeys(false);
    Yaml yaml = new Yaml(new SafeConstructor(options));
    try {
      return normalize(yaml.load(TextFiles.readUtf8(file)));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark();
      String where =
          mark == null
              ? file.toString()
              : file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
      String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
      String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
      throw new ConfigException(where + ": " + oneLine(problem + context), e);
    } catch (YAMLException e) {
      throw new ConfigException(file + ": " + oneLine(e.getMessage()), e);
    }
  }

  /**
   * Block-style YAML with two-space indents, except that lists of plain values stay on one line
   * ({@code target_size: [512, 512]}) as in PaddleSeg's files; long strings such as URLs are not
   * wrapped.
   */
  static String dump(Map<String, Object> tree) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(FlowStyle.BLOCK);
    options.setIndent(2);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    options.setSplitLines(false);
    return new Yaml(new ConfigRepresenter(options), options).dump(normalize(tree));
  }

  /** A mutable deep copy with string keys (YAML allows e.g. numeric keys; configs use strings). */
  static Object normalize(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), normalize(v)));
      return out;
    }
    if (node instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(normalize(v)));
      return out;
    }
    return node;
  }

  /** Writes lists whose items are all scalars in flow style. */
  private static final class ConfigRepresenter extends Representer {
    ConfigRepresenter(DumperOptions options) {
      super(options);
    }

    @Override
    protected Node representSequence(Tag tag, Iterable<?> sequence, FlowStyle style) {
      boolean scalars = true;
      for (Object item : sequence) {
        scalars &= !(item instanceof Map || item instanceof List);
      }
      return super.representSequence(tag, sequence, scalars ? FlowStyle.FLOW : style);
    }
  }

  private static String oneLine(String text) {
    return text == null ? "invalid YAML" : text.strip().replaceAll("\\s*\\n\\s*", " ");
  }
}
