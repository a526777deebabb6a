package dev.flightlab.files;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns DuckDB's many-line error messages (the error, the offending line, possible fixes, the
 * reader's settings) into one line naming the file and, for CSV, the line at fault.
 */
final class DuckDbErrors {
  private static final Pattern CSV_LINE = Pattern.compile("CSV Error on Line: (\\d+)");
  private static final Pattern COLUMNS =
      Pattern.compile("Expected Number of Columns: (\\d+) Found: (\\d+)");
  private static final Pattern CONVERSION =
      Pattern.compile("Error when converting column \"(.*)\"\\. (Could not convert .*)");
  private static final Pattern ERROR_PREFIX = Pattern.compile("^[A-Z][A-Za-z ]* Error: ");
  private static final int MAX_QUOTED_LINE = 80;

  private DuckDbErrors() {}

  /** The exception to throw for DuckDB's {@code message} about {@code file}. */
  static DataFileException toException(Path file, String message, Throwable cause) {
    String text = message == null ? "" : message.replace("\r", "");
    Matcher line = CSV_LINE.matcher(text);
    if (line.find()) {
      return DataFileException.atLine(file, Long.parseLong(line.group(1)), csvProblem(text), cause);
    }
    return DataFileException.of(file, firstLine(text), cause);
  }

  /** What is wrong on a CSV line, from the lines DuckDB prints after "CSV Error on Line". */
  private static String csvProblem(String text) {
    String original = null;
    String problem = null;
    for (String l : text.split("\n")) {
      String t = l.trim();
      if (t.startsWith("Original Line:")) {
        original = t.substring("Original Line:".length()).trim();
        continue;
      }
      Matcher columns = COLUMNS.matcher(t);
      if (columns.find()) {
        problem = "expected " + columns.group(1) + " columns, found " + columns.group(2);
        break;
      }
      Matcher conversion = CONVERSION.matcher(t);
      if (conversion.find()) {
        problem = "column \"" + conversion.group(1) + "\": " + lowerFirst(conversion.group(2));
        if (text.contains("auto-detected")) {
          problem += " (the type was inferred from the first rows; set it with --schema)";
        }
        break;
      }
      if (original != null && !t.isEmpty() && problem == null) {
        problem = lowerFirst(t.endsWith(".") ? t.substring(0, t.length() - 1) : t);
        break;
      }
    }
    if (problem == null) {
      problem = firstLine(text);
    }
    return original == null ? problem : problem + ": " + quote(original);
  }

  /** The first line of a DuckDB message without its "... Error: " prefix. */
  static String firstLine(String text) {
    String first = text.strip();
    int newline = first.indexOf('\n');
    if (newline >= 0) {
      first = first.substring(0, newline).strip();
    }
    String stripped = ERROR_PREFIX.matcher(first).replaceFirst("");
    return stripped.isEmpty() ? "DuckDB failed without a message" : stripped;
  }

  private static String quote(String line) {
    String shown =
        line.length() > MAX_QUOTED_LINE ? line.substring(0, MAX_QUOTED_LINE) + "..." : line;
    return "\"" + shown + "\"";
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
