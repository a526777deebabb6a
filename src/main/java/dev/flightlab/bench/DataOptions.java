package dev.flightlab.bench;

import dev.flightlab.data.GeneratorOptions;
import dev.flightlab.data.SchemaSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What each stream sends: generated data of a schema and size, or an Arrow IPC file.
 *
 * @param schema schema spec of generated data, e.g. {@code int64x4}
 * @param rows rows per stream
 * @param batchRows rows per record batch
 * @param seed generator seed (stream i uses seed + i)
 * @param nullFraction share of nulls in nullable columns, 0..1
 * @param stringLength average length of generated strings and binaries, in bytes
 * @param cardinality most distinct values per column (dictionary size), 0 for unbounded
 * @param dataFile a data file (Arrow IPC, Feather, Parquet, CSV or TSV) every stream sends instead
 *     of generated data, or null
 * @param includeGeneration regenerate the data inside every timed iteration
 */
public record DataOptions(
    String schema,
    long rows,
    int batchRows,
    long seed,
    double nullFraction,
    int stringLength,
    long cardinality,
    Path dataFile,
    boolean includeGeneration) {

  /** Every default: the C++ benchmark's shape, 10M rows of int64x4 in 65,536-row batches. */
  public static final DataOptions DEFAULTS =
      new DataOptions(
          SchemaSpec.DEFAULT_SPEC,
          10_000_000,
          65_536,
          GeneratorOptions.DEFAULT_SEED,
          GeneratorOptions.DEFAULT_NULL_FRACTION,
          GeneratorOptions.DEFAULT_STRING_LENGTH,
          GeneratorOptions.DEFAULT_CARDINALITY,
          null,
          false);

  public DataOptions {
    if (rows < 1) {
      throw new IllegalArgumentException("--rows must be at least 1, got " + rows);
    }
    if (batchRows < 1) {
      throw new IllegalArgumentException("--batch-rows must be at least 1, got " + batchRows);
    }
    if (dataFile != null && !Files.isReadable(dataFile)) {
      throw new IllegalArgumentException("--data-file " + dataFile + " cannot be read");
    }
    if (includeGeneration && dataFile != null) {
      throw new IllegalArgumentException(
          "--include-generation generates data: not with --data-file");
    }
    new GeneratorOptions(seed, nullFraction, stringLength, cardinality);
  }

  /** The generator options of stream {@code stream}. */
  public GeneratorOptions generatorOptions(int stream) {
    return new GeneratorOptions(seed + stream, nullFraction, stringLength, cardinality);
  }

  /** A copy with {@code rows} rows per stream. */
  public DataOptions withRows(long rows) {
    return new DataOptions(
        schema,
        rows,
        batchRows,
        seed,
        nullFraction,
        stringLength,
        cardinality,
        dataFile,
        includeGeneration);
  }

  /** A copy with {@code batchRows} rows per batch. */
  public DataOptions withBatchRows(int batchRows) {
    return new DataOptions(
        schema,
        rows,
        batchRows,
        seed,
        nullFraction,
        stringLength,
        cardinality,
        dataFile,
        includeGeneration);
  }

  /** A copy generating {@code schema}. */
  public DataOptions withSchema(String schema) {
    return new DataOptions(
        schema,
        rows,
        batchRows,
        seed,
        nullFraction,
        stringLength,
        cardinality,
        dataFile,
        includeGeneration);
  }
}
