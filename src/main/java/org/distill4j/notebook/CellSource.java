package org.distill4j.notebook;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a cell into code and line magics, in order. A line magic is a line whose first non-blank
 * character is {@code %} (IJava's rule, checked per line; lines inside a {@code """} text block are
 * never magics). Code between magics is kept with its first line number so errors can point at cell
 * lines.
 */
final class CellSource {
  /** A part of a cell: code or a line magic. */
  sealed interface Part permits Code, Magic {}

  /** Consecutive code lines; {@code firstLine} is 1-based within the cell. */
  record Code(String text, int firstLine) implements Part {}

  /** A line magic {@code %name args} at 1-based {@code line}. */
  record Magic(String name, String arguments, int line) implements Part {}

  private static final Pattern MAGIC = Pattern.compile("\\s*%([A-Za-z][\\w.-]*)(.*)");
  private static final Pattern CELL_MAGIC = Pattern.compile("\\s*%%(\\S*).*");
  private static final Pattern ASSIGNED_MAGIC = Pattern.compile("[^\"'/]*=\\s*%[A-Za-z].*");

  private CellSource() {}

  /** The parts of {@code source}; blank code between magics is dropped. */
  static List<Part> parse(String source) throws CellFailure {
    List<Part> parts = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    StringBuilder code = new StringBuilder();
    int codeStart = 1;
    boolean inTextBlock = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (!inTextBlock) {
        checkUnsupported(line, i + 1, parts.isEmpty() && code.toString().isBlank());
        Matcher magic = MAGIC.matcher(line);
        if (magic.matches()) {
          addCode(parts, code, codeStart);
          parts.add(new Magic(magic.group(1), magic.group(2).trim(), i + 1));
          code.setLength(0);
          codeStart = i + 2;
          continue;
        }
      }
      if (countTextBlockQuotes(line) % 2 == 1) {
        inTextBlock = !inTextBlock;
      }
      code.append(line);
      if (i < lines.length - 1) {
        code.append('\n');
      }
    }
    addCode(parts, code, codeStart);
    return parts;
  }

  private static void checkUnsupported(String line, int number, boolean atCellStart)
      throws CellFailure {
    Matcher cellMagic = CELL_MAGIC.matcher(line);
    if (cellMagic.matches()) {
      throw CellFailure.simple(
          "MagicException",
          "line "
              + number
              + ": cell magic %%"
              + cellMagic.group(1)
              + (atCellStart ? "" : " (and cell magics must start the cell)")
              + " is not supported by this executor");
    }
    if (ASSIGNED_MAGIC.matcher(line).matches()) {
      throw CellFailure.simple(
          "MagicException",
          "line "
              + number
              + ": using a magic's value (x = %magic ...) is not supported by this"
              + " executor; put the magic on its own line");
    }
  }

  private static void addCode(List<Part> parts, StringBuilder code, int firstLine) {
    if (!code.toString().isBlank()) {
      parts.add(new Code(code.toString(), firstLine));
    }
  }

  private static int countTextBlockQuotes(String line) {
    int count = 0;
    for (int at = line.indexOf("\"\"\""); at >= 0; at = line.indexOf("\"\"\"", at + 3)) {
      count++;
    }
    return count;
  }
}
