package dev.flightlab.bench;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.client.IpcCompression;
import dev.flightlab.data.BatchSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/** The timed body of one stream for each RPC: what the workloads compose. */
final class StreamOps {
  /** Latency kinds, as reports label them. */
  static final String PUT_LATENCY = "putNext to the server's ack of that batch";

  static final String GET_LATENCY = "time between consecutive batches arriving";
  static final String EXCHANGE_LATENCY = "putNext to the echo of that batch arriving";
  static final String CALL_LATENCY = "whole call";

  /** How long a parked sender sleeps between readiness checks. */
  static final long PARK_NANOS = 20_000;

  private StreamOps() {}

  /**
   * With {@link SendWait#PARK}, waits until gRPC can take more, sleeping between checks, so that
   * Flight's own wait inside putNext (a busy spin) finds the stream ready. With SPIN, leaves the
   * waiting to putNext.
   *
   * @param callOver true once the call has ended (the server failed or finished it): a stream that
   *     ended is never ready again
   * @return false when the call ended: stop sending and collect its result
   */
  static boolean awaitReady(
      FlightClient.ClientStreamListener stream, SendWait sendWait, BooleanSupplier callOver) {
    if (sendWait == SendWait.PARK) {
      while (!stream.isReady()) {
        if (callOver.getAsBoolean()) {
          return false;
        }
        LockSupport.parkNanos(PARK_NANOS);
      }
    }
    return !callOver.getAsBoolean();
  }

  /**
   * One DoPut of {@code data} to {@code descriptor}, timed from opening the call to the server's
   * final answer.
   *
   * <p>With {@code sequence}, each batch carries its sequence number as app_metadata, and the
   * server's per-batch acks (flightlab echoes them) give each batch's latency; the first ack gives
   * the time to first batch. Batches go out zero-copy: they are immutable until the run ends.
   */
  static void put(
      FlightLabClient client,
      FlightDescriptor descriptor,
      StreamData data,
      IpcCompression compression,
      SendWait sendWait,
      boolean sequence,
      StreamOutcome out) {
    long start = System.nanoTime();
    AtomicLongArray sent = data.sentNanos();
    Histogram latency = out.latency;
    long[] firstAck = {-1};
    AsyncPutListener acks =
        new AsyncPutListener() {
          @Override
          public void onNext(PutResult result) {
            long now = System.nanoTime();
            long seq = StreamData.sequenceOf(result.getApplicationMetadata(), data.batches);
            if (seq >= 0) {
              latency.recordValue(Math.max(0, now - sent.get((int) seq)));
              if (firstAck[0] < 0) {
                firstAck[0] = now - start;
              }
            }
          }
        };
    BatchSet set = data.data();
    IpcCompression.CountingCodec codec = null;
    try (VectorSchemaRoot root = VectorSchemaRoot.create(set.schema(), client.allocator())) {
      FlightClient.ClientStreamListener stream =
          client.flight().startPut(descriptor, root, set.dictionaries(), acks, client.options());
      // The batches stay untouched until the run ends, so gRPC may send them in place.
      stream.setUseZeroCopy(true);
      if (compression.enabled()) {
        codec = compression.install(stream, root);
      }
      VectorLoader loader = new VectorLoader(root);
      List<ArrowRecordBatch> batches = set.batches();
      for (int i = 0; i < batches.size(); i++) {
        loader.load(batches.get(i));
        ArrowBuf metadata = sequence ? data.sequenceForSending(i) : null;
        if (!awaitReady(stream, sendWait, acks::isCancelled)) {
          if (metadata != null) {
            metadata.close();
          }
          // The server ended the call early: its answer says why.
          stream.getResult();
          throw new BenchFailure("DoPut ended after " + i + " of " + batches.size() + " batches");
        }
        sent.set(i, System.nanoTime());
        stream.putNext(metadata);
      }
      stream.completed();
      stream.getResult();
    }
    long elapsed = System.nanoTime() - start;
    out.calls++;
    out.callNanosSum += elapsed;
    out.rows += data.rows;
    out.batches += data.batches;
    out.logicalBytes += data.logicalBytes;
    out.ipcBodyBytes += data.ipcBodyBytes;
    out.wireBodyBytes += codec == null ? data.ipcBodyBytes : codec.compressedBodyBytes();
    out.ipcStreamBytes += data.ipcStreamBytes;
    if (firstAck[0] >= 0) {
      out.firstBatch.recordValue(firstAck[0]);
    }
  }

  /** What a download received, kept for verification after the timed part. */
  static final class Received implements AutoCloseable {
    final List<ArrowRecordBatch> batches = new java.util.ArrayList<>();
    org.apache.arrow.vector.types.pojo.Schema schema;
    DictionaryProvider.MapDictionaryProvider dictionaries;

    @Override
    public void close() {
      batches.forEach(ArrowRecordBatch::close);
      batches.clear();
      if (dictionaries != null) {
        for (long id : dictionaries.getDictionaryIds()) {
          dictionaries.lookup(id).getVector().close();
        }
        dictionaries = null;
      }
    }
  }

  /**
   * One DoGet of {@code ticket}, timed from the call to its end; latency samples are the gaps
   * between consecutive batches, and the first batch's arrival is the time to first batch.
   *
   * @param keep when not null, receives a zero-copy reference to every batch and the dictionaries
   * @return rows and batches received (sizes are the caller's: it knows what it asked for)
   */
  static long[] get(FlightLabClient client, Ticket ticket, StreamOutcome out, Received keep)
      throws Exception {
    long start = System.nanoTime();
    long rows = 0;
    long batches = 0;
    try (FlightStream stream = client.flight().getStream(ticket, client.options())) {
      VectorSchemaRoot root = stream.getRoot();
      long previous = start;
      while (stream.next()) {
        long now = System.nanoTime();
        if (batches == 0) {
          out.firstBatch.recordValue(now - start);
        } else {
          out.latency.recordValue(now - previous);
        }
        previous = now;
        rows += root.getRowCount();
        batches++;
        if (keep != null) {
          keep.batches.add(new VectorUnloader(root, true, true).getRecordBatch());
        }
      }
      if (keep != null) {
        keep.schema = root.getSchema();
        keep.dictionaries = takeDictionaries(stream);
      }
    }
    out.calls++;
    out.callNanosSum += System.nanoTime() - start;
    out.rows += rows;
    out.batches += batches;
    return new long[] {rows, batches};
  }

  private static DictionaryProvider.MapDictionaryProvider takeDictionaries(FlightStream stream) {
    DictionaryProvider provider = stream.takeDictionaryOwnership();
    if (provider instanceof DictionaryProvider.MapDictionaryProvider map) {
      return map;
    }
    DictionaryProvider.MapDictionaryProvider map = new DictionaryProvider.MapDictionaryProvider();
    for (long id : provider.getDictionaryIds()) {
      map.put(provider.lookup(id));
    }
    return map;
  }

  /**
   * One DoExchange: this thread sends {@code data}'s batches, each with its sequence number, while
   * a helper thread reads the server's echoes; each echo's arrival minus its batch's send time is
   * one latency sample, the first echo is the time to first batch.
   */
  static void exchange(
      FlightLabClient client,
      FlightDescriptor descriptor,
      StreamData data,
      SendWait sendWait,
      ExecutorService readers,
      StreamOutcome out)
      throws Exception {
    long start = System.nanoTime();
    AtomicLongArray sent = data.sentNanos();
    BatchSet set = data.data();
    long echoedRows;
    try (FlightClient.ExchangeReaderWriter call =
            client.flight().doExchange(descriptor, client.options());
        VectorSchemaRoot root = VectorSchemaRoot.create(set.schema(), client.allocator())) {
      Future<long[]> reader =
          readers.submit(
              () -> {
                long rows = 0;
                long echoes = 0;
                FlightStream in = call.getReader();
                while (in.next()) {
                  long now = System.nanoTime();
                  long seq = StreamData.sequenceOf(in.getLatestMetadata(), data.batches);
                  if (seq >= 0) {
                    out.latency.recordValue(Math.max(0, now - sent.get((int) seq)));
                  }
                  if (echoes == 0) {
                    out.firstBatch.recordValue(now - start);
                  }
                  echoes++;
                  if (in.hasRoot()) {
                    rows += in.getRoot().getRowCount();
                  }
                }
                return new long[] {rows, echoes};
              });
      FlightClient.ClientStreamListener writer = call.getWriter();
      writer.start(root, set.dictionaries());
      writer.setUseZeroCopy(true);
      VectorLoader loader = new VectorLoader(root);
      List<ArrowRecordBatch> batches = set.batches();
      for (int i = 0; i < batches.size(); i++) {
        loader.load(batches.get(i));
        if (!awaitReady(writer, sendWait, reader::isDone)) {
          // The server ended the exchange early: the reader has its answer.
          reader.get();
          throw new BenchFailure(
              "DoExchange ended after " + i + " of " + batches.size() + " batches");
        }
        ArrowBuf metadata = data.sequenceForSending(i);
        sent.set(i, System.nanoTime());
        writer.putNext(metadata);
      }
      writer.completed();
      long[] echoed = reader.get();
      call.getResult();
      echoedRows = echoed[0];
      if (echoed[1] != data.batches || echoedRows != data.rows) {
        throw new BenchFailure(
            "DoExchange echoed "
                + echoed[1]
                + " batches and "
                + echoedRows
                + " rows for "
                + data.batches
                + " and "
                + data.rows
                + " sent: the server must echo every batch (flightlab does)");
      }
    }
    out.calls++;
    out.callNanosSum += System.nanoTime() - start;
    out.rows += data.rows;
    out.batches += data.batches;
    out.logicalBytes += data.logicalBytes;
    out.ipcBodyBytes += data.ipcBodyBytes;
    out.wireBodyBytes += data.ipcBodyBytes;
  }
}
