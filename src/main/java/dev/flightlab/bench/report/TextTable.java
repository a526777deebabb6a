package dev.flightlab.bench.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table with right-aligned columns, the first two left-aligned. */
final class TextTable {
  private final String[] header;
  private final List<String[]> rows = new ArrayList<>();

  TextTable(String... header) {
    this.header = header;
  }

  void row(String... cells) {
    rows.add(cells);
  }

  void print(PrintWriter out) {
    int[] width = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      width[i] = header[i].length();
    }
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    line(out, header, width);
    for (String[] r : rows) {
      line(out, r, width);
    }
  }

  private static void line(PrintWriter out, String[] cells, int[] width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        b.append("  ");
      }
      String c = cells[i];
      String pad = " ".repeat(width[i] - c.length());
      b.append(i < 2 ? c + pad : pad + c);
    }
    out.println(b.toString().stripTrailing());
  }
}
