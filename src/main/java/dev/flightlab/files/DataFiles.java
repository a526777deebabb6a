package dev.flightlab.files;

import dev.flightlab.data.BatchSet;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Data files in and out, batch by batch: Arrow IPC file (also Feather v2) and stream, Parquet and
 * CSV/TSV, the format chosen by extension or given. The entry points the CLI and the benchmark
 * share.
 *
 * <p>Nothing is read whole into memory: {@link #open} reads one batch at a time and {@link #write}
 * writes each batch as it comes, so files larger than memory go through. Before anything is
 * allocated, a file's first and last bytes are checked against its format; a file that is not what
 * it claims is refused with a {@link DataFileException} naming it (and the line or byte offset).
 * Parquet and CSV go through DuckDB (see {@link DuckDbFiles}), loaded only when one is used.
 */
public final class DataFiles {
  private DataFiles() {}

  /** The format {@code options} names, else the one {@code file}'s extension names. */
  public static FileFormat formatOf(Path file, ReadOptions options) {
    return options.format() != null ? options.format() : FileFormat.ofPath(file);
  }

  /** The format {@code options} names, else the one {@code file}'s extension names. */
  public static FileFormat formatOf(Path file, WriteOptions options) {
    return options.format() != null ? options.format() : FileFormat.ofPath(file);
  }

  /**
   * Opens {@code file} to read batch by batch into {@code allocator}.
   *
   * <p>The reader owns the open file (and, for Parquet and CSV, a DuckDB query): close it. Load
   * each batch with {@code loadNextBatch()}; it replaces the previous one in the reader's root.
   * Arrow IPC keeps the file's batches and dictionaries; Parquet and CSV come in batches of {@link
   * ReadOptions#batchRows()} rows.
   *
   * @throws IllegalArgumentException when the format cannot be told or the options do not fit it
   * @throws DataFileException when the file is missing, empty, not in its format or damaged
   */
  public static ArrowReader open(Path file, ReadOptions options, BufferAllocator allocator)
      throws IOException {
    FileFormat format = formatOf(file, options);
    checkTextOptions(format, options.delimiter(), options.columnTypes() != null);
    if (format.isArrowIpc()) {
      return ArrowFiles.open(file, allocator);
    }
    FileSignatures.Head head = FileSignatures.head(file);
    if (format == FileFormat.PARQUET) {
      FileSignatures.checkParquet(file, head);
      return DuckDbFiles.readParquet(file, options.batchRows(), allocator);
    }
    FileSignatures.checkText(file, head, format);
    return DuckDbFiles.readCsv(file, format, options, allocator);
  }

  /**
   * Reads all of {@code file} into memory: for the benchmark's {@code --data-file}, which sends the
   * same batches again and again.
   *
   * @return the table, owned by the caller (close it)
   * @throws IllegalArgumentException as {@link #open} does
   * @throws DataFileException as {@link #open} does, and when the file replaces a dictionary
   *     between batches (a batch set holds one per id)
   */
  public static BatchSet read(Path file, ReadOptions options, BufferAllocator allocator)
      throws IOException {
    try (ArrowReader reader = open(file, options, allocator)) {
      return collect(file, reader, allocator);
    }
  }

  /** {@link #read(Path, ReadOptions, BufferAllocator)} with {@link ReadOptions#defaults()}. */
  public static BatchSet read(Path file, BufferAllocator allocator) throws IOException {
    return read(file, ReadOptions.defaults(), allocator);
  }

  /** Takes every batch {@code reader} reads, and its dictionaries, into a batch set. */
  static BatchSet collect(Path file, ArrowReader reader, BufferAllocator allocator)
      throws IOException {
    VectorSchemaRoot root = reader.getVectorSchemaRoot();
    BatchSet.Builder out = BatchSet.builder(root.getSchema());
    DictionarySnapshot first = null;
    try {
      long batches = 0;
      while (reader.loadNextBatch()) {
        if (first == null) {
          first = DictionarySnapshot.of(root.getSchema(), reader, allocator);
        } else {
          Long changed = first.changedIn(reader);
          if (changed != null) {
            throw DataFileException.of(
                file,
                "dictionary "
                    + changed
                    + " changes at batch "
                    + batches
                    + "; a table in memory holds one dictionary per column");
          }
        }
        out.add(root, null);
        batches++;
      }
      for (long id : DictionarySnapshot.dictionaryIds(root.getSchema())) {
        Dictionary d = reader.lookup(id);
        // The batch set takes the dictionary's buffers: the reader frees its own vectors on close.
        var transfer = d.getVector().getTransferPair(d.getVector().getField(), allocator);
        transfer.transfer();
        out.dictionary(new Dictionary((FieldVector) transfer.getTo(), d.getEncoding()));
      }
    } catch (IOException | RuntimeException e) {
      out.build().close();
      throw e;
    } finally {
      if (first != null) {
        first.close();
      }
    }
    return out.build();
  }

  /**
   * Writes every batch {@code source} reads to {@code file}, batch by batch, in the format {@code
   * options} names or the file's extension names, and returns what was written.
   *
   * <p>The file appears whole or not at all: the batches go to a temporary file beside it, moved
   * over {@code file} (replacing it) once complete and removed on failure. {@code source} is read
   * to its end but not closed; for Parquet and CSV it is read on DuckDB's threads, one call at a
   * time. Arrow IPC keeps the source's batches and dictionaries (a dictionary that changes between
   * batches needs the stream format); Parquet gets DuckDB's row groups.
   *
   * @throws IllegalArgumentException when the format cannot be told or the options do not fit it
   * @throws DataFileException when the format cannot hold what {@code source} holds
   * @throws IOException as {@code source} fails, or when the file cannot be written
   */
  public static WriteOutcome write(
      ArrowReader source, Path file, WriteOptions options, BufferAllocator allocator)
      throws IOException {
    FileFormat format = formatOf(file, options);
    checkTextOptions(format, options.delimiter(), false);
    Path absolute = file.toAbsolutePath();
    Path directory = absolute.getParent();
    if (directory == null || !Files.isDirectory(directory)) {
      throw DataFileException.of(file, "its directory does not exist");
    }
    if (Files.isDirectory(absolute)) {
      throw DataFileException.of(file, "is a directory");
    }
    Path temp = directory.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + ".part");
    try {
      WriteOutcome outcome;
      if (format.isArrowIpc()) {
        try (FileChannel channel =
            FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          ArrowFiles.Format layout =
              format == FileFormat.ARROW_FILE ? ArrowFiles.Format.FILE : ArrowFiles.Format.STREAM;
          outcome = ArrowFiles.write(source, channel, layout, file, allocator);
          channel.force(false);
        }
      } else {
        outcome = DuckDbFiles.write(source, temp, file, format, options, allocator);
      }
      move(temp, absolute);
      return new WriteOutcome(outcome.rows(), outcome.batches(), Files.size(absolute));
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void checkTextOptions(
      FileFormat format, Character delimiter, boolean columnTypes) {
    if (format.isDelimitedText()) {
      if (delimiter != null && (delimiter == '\n' || delimiter == '\r' || delimiter == '"')) {
        throw new IllegalArgumentException("a delimiter cannot be a line break or a double quote");
      }
      return;
    }
    if (delimiter != null) {
      throw new IllegalArgumentException(
          "a delimiter applies to CSV and TSV only, not " + format.description());
    }
    if (columnTypes) {
      throw new IllegalArgumentException(
          "column types apply to CSV and TSV only, not " + format.description());
    }
  }
}
