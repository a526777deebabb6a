package dev.flightlab.bench.report;

/** An HTML table built row by row: cells are text (escaped), the first columns left-aligned. */
final class HtmlTable {
  private final int leftColumns;
  private final boolean keyColumn;
  private final StringBuilder html = new StringBuilder("<table>");

  private HtmlTable(int leftColumns, boolean keyColumn, String... header) {
    this.leftColumns = leftColumns;
    this.keyColumn = keyColumn;
    if (header.length > 0) {
      html.append("<tr>");
      for (int i = 0; i < header.length; i++) {
        cell("th", i, header[i]);
      }
      html.append("</tr>");
    }
    html.append('\n');
  }

  /** A table with a header row; the first {@code leftColumns} columns are left-aligned. */
  static HtmlTable of(int leftColumns, String... header) {
    return new HtmlTable(leftColumns, false, header);
  }

  /** A table of name-value rows, the names as row headers. */
  static HtmlTable keyValue() {
    return new HtmlTable(2, true);
  }

  /** Adds a row. */
  HtmlTable row(String... cells) {
    return rowOfClass(null, cells);
  }

  /** Adds a row with a CSS class (such as {@code warmup}), or none when null. */
  HtmlTable rowOfClass(String rowClass, String... cells) {
    html.append(rowClass == null ? "<tr>" : "<tr class=\"" + rowClass + "\">");
    for (int i = 0; i < cells.length; i++) {
      cell(keyColumn && i == 0 ? "th" : "td", i, cells[i]);
    }
    html.append("</tr>\n");
    return this;
  }

  private void cell(String tag, int column, String text) {
    html.append('<')
        .append(tag)
        .append(column < leftColumns ? " class=\"l\">" : ">")
        .append(Html.escape(text))
        .append("</")
        .append(tag)
        .append('>');
  }

  /** The table's markup, ending with a line break. */
  @Override
  public String toString() {
    return html + "</table>\n";
  }
}
