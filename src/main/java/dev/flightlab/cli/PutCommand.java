package dev.flightlab.cli;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.IpcSchemas;
import dev.flightlab.files.DataFileException;
import dev.flightlab.files.DataFiles;
import dev.flightlab.files.DictionarySnapshot;
import dev.flightlab.files.EmptyBatches;
import dev.flightlab.files.FileFormat;
import dev.flightlab.files.ReadOptions;
import dev.flightlab.memory.Allocators;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient.ClientStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flightlab put}: uploads a data file as a dataset, batch by batch. */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = {
      "Upload a data file as a dataset (DoPut), streamed batch by batch.",
      "Formats by extension: .arrow .feather (Arrow IPC file, Feather v2), .arrows .stream .ipc"
          + " (Arrow IPC stream), .parquet, .csv, .tsv; or --format.",
      "Arrow IPC keeps its batches; Parquet and CSV are read by DuckDB in --batch-rows batches."
    })
final class PutCommand implements Callable<Integer> {
  @Mixin ClientMixin client;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "File to upload.")
  Path file;

  @Parameters(index = "1", description = "Dataset path, e.g. /reports/daily_sales.")
  String path;

  @Option(
      names = "--mode",
      defaultValue = "replace",
      description = "replace, append or create. Default: ${DEFAULT-VALUE}.")
  String mode;

  @Option(
      names = "--format",
      description =
          "arrow, feather, arrows (also stream, ipc), parquet, csv or tsv. Default: by extension.")
  String format;

  @Option(
      names = "--delimiter",
      description =
          "CSV/TSV field delimiter: one character, or \\t. Default: , (.csv), tab (.tsv).")
  String delimiter;

  @Option(
      names = "--header",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "CSV/TSV: the first line names the columns (--no-header: it is data; columns are"
              + " column0, column1...). Default: ${DEFAULT-VALUE}.")
  boolean header;

  @Option(
      names = "--schema",
      paramLabel = "NAME:TYPE,...",
      description =
          "CSV/TSV column types instead of the inferred ones, e.g. id:int64,price:decimal128(10,2),"
              + "at:timestamp(us,UTC) (types of docs/schema-spec.md; see docs/files.md).")
  String schema;

  @Option(
      names = "--batch-rows",
      defaultValue = "" + ReadOptions.DEFAULT_BATCH_ROWS,
      description = "Rows per batch read from Parquet and CSV. Default: ${DEFAULT-VALUE}.")
  int batchRows;

  @Override
  public Integer call() throws Exception {
    DatasetPath dataset = DatasetPath.parse(path);
    PutMode putMode = PutMode.parse(mode);
    ReadOptions options = readOptions();
    FileFormat fileFormat = DataFiles.formatOf(file, options);
    // The file's batches and the connection get roots of their own, so that nothing the reader
    // does to its (shared) 0-byte buffer reaches the client's network thread (Allocators).
    try (RootAllocator allocator = Allocators.newRoot();
        RootAllocator fileMemory = Allocators.newRoot();
        // The file is checked (and for Parquet/CSV its schema read) before connecting.
        ArrowReader reader = DataFiles.open(file, options, fileMemory);
        FlightLabClient c = client.connect(allocator)) {
      Upload upload = upload(c, dataset, putMode, reader, file, fileMemory);
      double seconds = upload.elapsedNanos() / 1e9;
      spec.commandLine()
          .getOut()
          .printf(
              "Uploaded %d rows in %d batches to '%s' (%s, %d IPC body bytes, %.3f s, %.1f MB/s)"
                  + " from %s %s (%d bytes)%n",
              upload.rows(),
              upload.batches(),
              dataset,
              putMode.wireName(),
              upload.bodyBytes(),
              seconds,
              upload.bodyBytes() / 1e6 / Math.max(seconds, 1e-9),
              fileFormat.description(),
              file,
              Files.size(file));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  private ReadOptions readOptions() {
    FileFormat chosen = format == null ? null : FileFormat.parse(format);
    Character delimiterChar = delimiter == null ? null : FileFormat.parseDelimiter(delimiter);
    return new ReadOptions(chosen, delimiterChar, header, schema, batchRows);
  }

  /**
   * What {@link #upload} sent.
   *
   * @param bodyBytes the record batches' IPC body bytes as sent
   * @param elapsedNanos from reading the first batch to the server's final answer
   */
  record Upload(long rows, long batches, long bodyBytes, long elapsedNanos) {}

  /**
   * Uploads every batch {@code reader} reads, one at a time, through Arrow Flight's own DoPut
   * ({@link FlightLabClient#flight()}): {@link FlightLabClient#put} takes a whole table in memory,
   * and a file may not fit.
   *
   * <p>Each batch goes out zero-copy and stays referenced until gRPC has written it, while the
   * reader loads the next into new buffers. On any failure the call is cancelled, so the server
   * stores nothing, and the failure is rethrown once the call has ended.
   *
   * @param file named in errors
   */
  static Upload upload(
      FlightLabClient c,
      DatasetPath dataset,
      PutMode mode,
      ArrowReader reader,
      Path file,
      BufferAllocator allocator)
      throws Exception {
    VectorSchemaRoot root = reader.getVectorSchemaRoot();
    long start = System.nanoTime();
    // The first batch before the schema goes out: a stream's dictionaries arrive with it.
    boolean more = reader.loadNextBatch();
    // Ignores the acks; its future completes when the call ends.
    AsyncPutListener acks = new AsyncPutListener();
    ClientStreamListener put =
        c.flight()
            .startPut(
                dataset.toDescriptor(),
                root,
                // Arrow's writer asks the dictionaries their value types: true types, not
                // stand-ins.
                IpcSchemas.trueValueTypes(reader),
                acks,
                c.options(FlightLabClient.putModeOption(mode)));
    put.setUseZeroCopy(true);
    long rows = 0;
    long batches = 0;
    long bodyBytes = 0;
    boolean completed = false;
    try (DictionarySnapshot sent = DictionarySnapshot.of(root.getSchema(), reader, allocator)) {
      while (more) {
        awaitReady(put, acks);
        if (acks.isCancelled()) {
          break; // the server ended the call early: getResult says why
        }
        EmptyBatches.reallocateIfEmpty(root);
        bodyBytes += bodyBytes(root);
        put.putNext();
        rows += root.getRowCount();
        batches++;
        more = reader.loadNextBatch();
        Long changed = more && !sent.isEmpty() ? sent.changedIn(reader) : null;
        if (changed != null) {
          throw DataFileException.of(
              file,
              "dictionary "
                  + changed
                  + " changes at batch "
                  + batches
                  + "; an upload sends each dictionary once");
        }
      }
      completed = true;
      put.completed();
      put.getResult();
    } catch (Exception | Error e) {
      if (!completed) {
        // Cancel the call: the server drops an upload its client abandons, storing nothing.
        put.error(
            CallStatus.CANCELLED
                .withDescription("upload abandoned by the client")
                .toRuntimeException());
        try {
          put.getResult();
        } catch (RuntimeException ended) {
          e.addSuppressed(ended);
        }
      }
      throw e;
    }
    return new Upload(rows, batches, bodyBytes, System.nanoTime() - start);
  }

  /**
   * Waits until gRPC will take another message without queueing it: Arrow's own putNext waits by
   * spinning, which would take a core from the network thread on a small machine.
   */
  private static void awaitReady(ClientStreamListener put, AsyncPutListener acks) {
    long parkNanos = 5_000;
    while (!put.isReady() && !acks.isCancelled()) {
      LockSupport.parkNanos(parkNanos);
      parkNanos = Math.min(parkNanos * 2, 200_000);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw CallStatus.CANCELLED.withDescription("upload interrupted").toRuntimeException();
      }
    }
  }

  private static long bodyBytes(VectorSchemaRoot root) {
    // As Flight sends it: null counts and 8-byte aligned buffers.
    try (ArrowRecordBatch batch = new VectorUnloader(root, true, true).getRecordBatch()) {
      return batch.computeBodyLength();
    }
  }
}
