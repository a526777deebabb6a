package dev.flightlab.files;

/**
 * How to write a data file: {@link DataFiles#write} takes one.
 *
 * @param format the format to write, or null to go by the file's extension
 * @param delimiter CSV/TSV field delimiter, or null for the format's own (comma, tab)
 * @param header whether CSV/TSV output starts with a line of column names
 */
public record WriteOptions(FileFormat format, Character delimiter, boolean header) {
  /** By extension, the format's delimiter, with a header line. */
  public static WriteOptions defaults() {
    return new WriteOptions(null, null, true);
  }

  /** A copy writing {@code format} whatever the file's extension (null: by extension). */
  public WriteOptions withFormat(FileFormat format) {
    return new WriteOptions(format, delimiter, header);
  }

  /** A copy with another CSV/TSV delimiter (null: the format's own). */
  public WriteOptions withDelimiter(Character delimiter) {
    return new WriteOptions(format, delimiter, header);
  }

  /** A copy saying whether CSV/TSV output starts with a header line. */
  public WriteOptions withHeader(boolean header) {
    return new WriteOptions(format, delimiter, header);
  }
}
