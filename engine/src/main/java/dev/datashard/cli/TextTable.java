package dev.datashard.cli;

import java.io.PrintWriter;
import java.util.List;

/** Columns aligned for a terminal; long cells are cut with an ellipsis. */
final class TextTable {
  private static final int MAX_WIDTH = 40;

  private TextTable() {}

  static void print(PrintWriter out, List<String> header, List<List<String>> rows) {
    print(out, header, rows, true);
  }

  /** With {@code cut} false, cells keep their full text (locations must stay copyable). */
  static void print(PrintWriter out, List<String> header, List<List<String>> rows, boolean cut) {
    int[] widths = new int[header.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = header.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], cut ? Math.min(MAX_WIDTH, row.get(c).length()) : row.get(c).length());
      }
    }
    line(out, header, widths);
    StringBuilder rule = new StringBuilder();
    for (int width : widths) {
      rule.append("-".repeat(width)).append("  ");
    }
    out.println(rule.toString().stripTrailing());
    rows.forEach(row -> line(out, row, widths));
  }

  private static void line(PrintWriter out, List<String> cells, int[] widths) {
    StringBuilder text = new StringBuilder();
    for (int c = 0; c < widths.length; c++) {
      String cell = cells.get(c);
      if (cell.length() > widths[c]) {
        cell = cell.substring(0, widths[c] - 1) + "…";
      }
      text.append(String.format("%-" + widths[c] + "s", cell)).append("  ");
    }
    out.println(text.toString().stripTrailing());
  }
}
