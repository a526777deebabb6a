package dev.flightlab.files;

/**
 * How to read a data file: {@link DataFiles#open} and {@link DataFiles#read} take one.
 *
 * @param format the file's format, or null to go by its extension
 * @param delimiter CSV/TSV field delimiter, or null for the format's own (comma, tab)
 * @param header whether the first line of a CSV/TSV file names the columns (else column0...)
 * @param columnTypes CSV/TSV column types that override the inferred ones, as a schema spec of
 *     named fields such as {@code "id:int64,price:decimal128(10,2)"}; null for none
 * @param batchRows rows per record batch read from Parquet and CSV (Arrow IPC keeps its own
 *     batches)
 */
public record ReadOptions(
    FileFormat format, Character delimiter, boolean header, String columnTypes, int batchRows) {
  /** Rows per batch read from Parquet and CSV files by default. */
  public static final int DEFAULT_BATCH_ROWS = 65_536;

  /** Checks the values. */
  public ReadOptions {
    if (batchRows < 1) {
      throw new IllegalArgumentException("batch rows must be at least 1, not " + batchRows);
    }
  }

  /** By extension, the format's delimiter, a header line, inferred types, 65,536-row batches. */
  public static ReadOptions defaults() {
    return new ReadOptions(null, null, true, null, DEFAULT_BATCH_ROWS);
  }

  /** A copy reading {@code format} whatever the file's extension (null: by extension). */
  public ReadOptions withFormat(FileFormat format) {
    return new ReadOptions(format, delimiter, header, columnTypes, batchRows);
  }

  /** A copy with another CSV/TSV delimiter (null: the format's own). */
  public ReadOptions withDelimiter(Character delimiter) {
    return new ReadOptions(format, delimiter, header, columnTypes, batchRows);
  }

  /** A copy saying whether CSV/TSV files start with a header line. */
  public ReadOptions withHeader(boolean header) {
    return new ReadOptions(format, delimiter, header, columnTypes, batchRows);
  }

  /** A copy with CSV/TSV column type overrides (null: none). */
  public ReadOptions withColumnTypes(String columnTypes) {
    return new ReadOptions(format, delimiter, header, columnTypes, batchRows);
  }

  /** A copy with another batch size for Parquet and CSV. */
  public ReadOptions withBatchRows(int batchRows) {
    return new ReadOptions(format, delimiter, header, columnTypes, batchRows);
  }
}
