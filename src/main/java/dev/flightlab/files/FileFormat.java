package dev.flightlab.files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The file formats flightlab reads and writes, each chosen by extension or by name. */
public enum FileFormat {
  /** Arrow IPC file format (random access), also Feather v2. */
  ARROW_FILE("Arrow IPC file", List.of("arrow", "feather"), List.of("arrow", "feather", "file")),
  /** Arrow IPC stream format. */
  ARROW_STREAM(
      "Arrow IPC stream", List.of("arrows", "stream", "ipc"), List.of("arrows", "stream", "ipc")),
  /** Apache Parquet, through DuckDB. */
  PARQUET("Parquet", List.of("parquet"), List.of("parquet")),
  /** Comma-separated values with a header line, through DuckDB. */
  CSV("CSV", List.of("csv"), List.of("csv")),
  /** Tab-separated values: CSV whose default delimiter is a tab. */
  TSV("TSV", List.of("tsv"), List.of("tsv"));

  private final String description;
  private final List<String> extensions;
  private final List<String> names;

  FileFormat(String description, List<String> extensions, List<String> names) {
    this.description = description;
    this.extensions = extensions;
    this.names = names;
  }

  /** What the format is called in messages: "Arrow IPC file", "Parquet", "CSV"... */
  public String description() {
    return description;
  }

  /** The file name extensions (without the dot) that select this format. */
  public List<String> extensions() {
    return extensions;
  }

  /** True for Arrow IPC (file or stream), which flightlab reads and writes itself. */
  public boolean isArrowIpc() {
    return this == ARROW_FILE || this == ARROW_STREAM;
  }

  /** True for CSV and TSV: text with a delimiter, a header and inferred types. */
  public boolean isDelimitedText() {
    return this == CSV || this == TSV;
  }

  /** The delimiter used when none is given: a comma for CSV, a tab for TSV. */
  public char defaultDelimiter() {
    return this == TSV ? '\t' : ',';
  }

  /**
   * The format {@code path}'s extension names (case-insensitive).
   *
   * @throws IllegalArgumentException when the extension is missing or unknown, naming the file and
   *     the extensions known
   */
  public static FileFormat ofPath(Path path) {
    Path name = path.getFileName();
    String file = name == null ? "" : name.toString();
    int dot = file.lastIndexOf('.');
    String extension = dot < 0 ? "" : file.substring(dot + 1).toLowerCase(Locale.ROOT);
    for (FileFormat format : values()) {
      if (format.extensions.contains(extension)) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "cannot tell the format of "
            + path
            + " from its extension"
            + (extension.isEmpty() ? "" : " '." + extension + "'")
            + ": use one of "
            + knownExtensions()
            + " or --format "
            + String.join("|", knownNames()));
  }

  /**
   * The format called {@code name} (case-insensitive): arrow, feather, file, arrows, stream, ipc,
   * parquet, csv or tsv.
   *
   * @throws IllegalArgumentException for another name
   */
  public static FileFormat parse(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (FileFormat format : values()) {
      if (format.names.contains(wanted)) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "unknown format '" + name + "' (use " + String.join(", ", knownNames()) + ")");
  }

  /** The format {@code name} names when given, else the one {@code path}'s extension names. */
  public static FileFormat choose(String name, Path path) {
    return name == null ? ofPath(path) : parse(name);
  }

  /**
   * A CSV/TSV delimiter as written on a command line: one character, or {@code \t} or {@code tab}
   * for a tab.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static char parseDelimiter(String text) {
    if (text.equals("\\t") || text.equalsIgnoreCase("tab")) {
      return '\t';
    }
    if (text.length() != 1) {
      throw new IllegalArgumentException(
          "a delimiter is one character (or \\t or tab for a tab), not '" + text + "'");
    }
    return text.charAt(0);
  }

  private static String knownExtensions() {
    List<String> all = new ArrayList<>();
    for (FileFormat format : values()) {
      format.extensions.forEach(e -> all.add("." + e));
    }
    return String.join(" ", all);
  }

  private static List<String> knownNames() {
    List<String> all = new ArrayList<>();
    for (FileFormat format : values()) {
      all.addAll(format.names);
    }
    return all;
  }
}
