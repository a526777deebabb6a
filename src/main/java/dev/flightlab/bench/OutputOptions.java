package dev.flightlab.bench;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the results go and what fails the run.
 *
 * @param format what goes to stdout (or to {@code output}); null: from {@code output}'s extension,
 *     else text
 * @param output file for the results in {@code format}, or null
 * @param report file for the HTML report, or null
 * @param quiet no progress and no table on stdout when {@code output} is given
 * @param baseline an earlier JSON result to compare with, or null
 * @param maxRegression the drop in a median headline figure (a fraction, 0.1 = 10%) that fails the
 *     run against {@code baseline}
 */
public record OutputOptions(
    Format format, Path output, Path report, boolean quiet, Path baseline, double maxRegression) {

  /** Every default: the text table on stdout, a 10% drop fails a baseline comparison. */
  public static final OutputOptions DEFAULTS =
      new OutputOptions(null, null, null, false, null, 0.10);

  public OutputOptions {
    Format fromFile = output == null ? null : Format.forFile(output);
    if (format == null) {
      format = fromFile == null ? Format.TEXT : fromFile;
    } else if (fromFile != null && fromFile != format) {
      throw new IllegalArgumentException(
          "--format " + format + " does not match --output " + output + "'s extension");
    }
    if (!(maxRegression > 0)) {
      throw new IllegalArgumentException("--max-regression must be above 0%");
    }
  }

  /** Parses a --max-regression: "10%", "10 %" or "0.1". */
  public static double parseFraction(String text) {
    String t = text.trim();
    try {
      if (t.endsWith("%")) {
        return Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100.0;
      }
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "bad --max-regression '" + text + "' (e.g. 10% or 0.1)", e);
    }
  }

  /** What the results look like on stdout or in {@code output}. */
  public enum Format {
    TEXT,
    JSON,
    CSV;

    /** Parses text, json or csv. */
    public static Format parse(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown --format '" + name + "' (text, json or csv)", e);
      }
    }

    /** The format a file name implies (.json, .csv, .txt), or null. */
    public static Format forFile(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".json")) {
        return JSON;
      }
      if (name.endsWith(".csv")) {
        return CSV;
      }
      return name.endsWith(".txt") ? TEXT : null;
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
