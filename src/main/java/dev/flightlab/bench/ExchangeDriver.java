package dev.flightlab.bench;

import dev.flightlab.client.ExchangeOutcome;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.IpcSchemas;
import dev.flightlab.wire.IpcCompression;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * One stream's DoExchange with either client: the batches go out, each with its sequence number as
 * app_metadata, while the server's echoes are read as they arrive; each echo's arrival minus its
 * batch's send time is one latency sample, the first echo is the time to first batch. Bytes count
 * once per round trip. After the call, the echoes must be every batch sent, in order, with its
 * rows.
 *
 * <p>flightlab's client ({@link FlightLabClient#exchange}) reads the echoes on the connection's
 * network thread; Arrow's ({@code FlightClient.doExchange}) needs a reader thread of its own.
 */
final class ExchangeDriver {
  private final TransferOptions transfer;
  private final ExecutorService readers;

  /**
   * @param readers threads for Arrow's client's readers of the echoes (one per call while it runs)
   */
  ExchangeDriver(TransferOptions transfer, ExecutorService readers) {
    this.transfer = transfer;
    this.readers = readers;
  }

  /**
   * Sends {@code data} on a DoExchange of {@code descriptor}, reads every echo, fills {@code out}.
   */
  void exchange(
      FlightLabClient client, FlightDescriptor descriptor, StreamData data, StreamOutcome out)
      throws Exception {
    long start = System.nanoTime();
    long wireBodyBytes =
        transfer.client() == ClientKind.FLIGHTLAB
            ? exchangeFlightlab(client, descriptor, data, start, out)
            : exchangeArrow(client, descriptor, data, start, out);
    out.calls++;
    out.callNanosSum += System.nanoTime() - start;
    out.rows += data.rows;
    out.batches += data.batches;
    out.logicalBytes += data.logicalBytes;
    out.ipcBodyBytes += data.ipcBodyBytes;
    out.wireBodyBytes += wireBodyBytes;
  }

  /** flightlab's data plane; returns the body bytes as sent. */
  private static long exchangeFlightlab(
      FlightLabClient client,
      FlightDescriptor descriptor,
      StreamData data,
      long start,
      StreamOutcome out) {
    Echoes echoes = new Echoes(data, start, out);
    AtomicLongArray sentNanos = data.sentNanos();
    long[] wire = {0};
    FlightLabClient.ExchangeListener listener =
        new FlightLabClient.ExchangeListener() {
          @Override
          public void sending(int index, long bodyBytes) {
            wire[0] += bodyBytes;
            sentNanos.set(index, System.nanoTime());
          }

          @Override
          public void echoed(ArrowRecordBatch batch, ArrowBuf appMetadata) {
            echoes.echoed(StreamData.sequenceOf(appMetadata, data.batches), batch.getLength());
          }
        };
    try (ExchangeOutcome outcome =
        client.exchange(
            descriptor, data.data(), data.sequence(), IpcCompression.NONE, listener, false)) {
      if (outcome.batchesSent() != data.batches) {
        throw new BenchFailure(
            "DoExchange ended after " + outcome.batchesSent() + " of " + data.batches + " batches");
      }
    }
    echoes.check();
    return wire[0];
  }

  /** Arrow Java's FlightClient; returns the body bytes as sent (Arrow sends every bitmap). */
  private long exchangeArrow(
      FlightLabClient client,
      FlightDescriptor descriptor,
      StreamData data,
      long start,
      StreamOutcome out)
      throws Exception {
    Echoes echoes = new Echoes(data, start, out);
    AtomicLongArray sent = data.sentNanos();
    BatchSet set = data.data();
    try (FlightClient.ExchangeReaderWriter call =
            client.flight().doExchange(descriptor, client.options());
        VectorSchemaRoot root = IpcSchemas.createRoot(set.schema(), client.allocator())) {
      Future<Void> reader = readers.submit(() -> readEchoes(call.getReader(), echoes));
      FlightClient.ClientStreamListener writer = call.getWriter();
      writer.start(root, set.dictionaries());
      // The batches stay unchanged until the run ends, so gRPC may send them in place.
      writer.setUseZeroCopy(true);
      VectorLoader loader = new VectorLoader(root);
      List<ArrowRecordBatch> batches = set.batches();
      for (int i = 0; i < batches.size(); i++) {
        loader.load(batches.get(i));
        if (!transfer.sendWait().awaitReady(writer, reader::isDone)) {
          // The server ended the exchange early: the reader has its answer.
          reader.get();
          throw new BenchFailure(
              "DoExchange ended after " + i + " of " + batches.size() + " batches");
        }
        ArrowBuf metadata = data.sequenceForSending(i);
        sent.set(i, System.nanoTime());
        // The message takes over the metadata's reference and closes it once sent.
        writer.putNext(metadata);
      }
      writer.completed();
      reader.get();
      call.getResult();
    }
    echoes.check();
    return data.ipcBodyBytes;
  }

  /** Reads the echoes until the server ends. */
  private static Void readEchoes(FlightStream in, Echoes echoes) {
    while (in.next()) {
      ArrowBuf metadata = in.getLatestMetadata();
      echoes.echoed(
          StreamData.sequenceOf(metadata, echoes.data.batches),
          in.hasRoot() ? in.getRoot().getRowCount() : 0);
    }
    return null;
  }

  /**
   * The echoes of one call as they arrive, on one reader thread at a time: latencies, the time to
   * the first, and whether they are every batch sent, in order, with its rows.
   */
  private static final class Echoes {
    private final StreamData data;
    private final long start;
    private final StreamOutcome out;
    private long count;
    private long rows;
    private String mismatch;

    Echoes(StreamData data, long start, StreamOutcome out) {
      this.data = data;
      this.start = start;
      this.out = out;
    }

    /** The echo of batch {@code sequence} (negative: not one of ours) holding {@code rows}. */
    void echoed(long sequence, long rows) {
      long now = System.nanoTime();
      if (sequence >= 0) {
        out.latency.recordValue(Math.max(0, now - data.sentNanos().get((int) sequence)));
      }
      if (count == 0) {
        out.firstBatch.recordValue(now - start);
      }
      if (mismatch == null) {
        long wantRows =
            count < data.batches ? data.data().batches().get((int) count).getLength() : -1;
        if (sequence != count || rows != wantRows) {
          mismatch =
              "echo "
                  + (count + 1)
                  + " carried sequence number "
                  + sequence
                  + " and "
                  + rows
                  + " rows, expected "
                  + count
                  + " and "
                  + wantRows;
        }
      }
      count++;
      this.rows += rows;
    }

    /** Fails unless every batch came back, in order, with its rows. */
    void check() {
      if (count != data.batches || rows != data.rows || mismatch != null) {
        throw new BenchFailure(
            "DoExchange echoed "
                + count
                + " batches and "
                + rows
                + " rows for "
                + data.batches
                + " and "
                + data.rows
                + " sent"
                + (mismatch == null ? "" : " (" + mismatch + ")")
                + ": the server must echo every batch in order (flightlab does)");
      }
    }
  }
}
