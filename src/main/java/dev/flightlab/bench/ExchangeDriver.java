package dev.flightlab.bench;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.IpcSchemas;
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
 * One stream's DoExchange with Arrow's client (flightlab's data plane has none): the stream's
 * thread sends the batches, each with its sequence number, while a reader thread takes the server's
 * echoes; each echo's arrival minus its batch's send time is one latency sample, the first echo is
 * the time to first batch. Bytes count once per round trip.
 */
final class ExchangeDriver {
  private final SendWait sendWait;
  private final ExecutorService readers;

  /**
   * @param readers threads for the readers of the echoes (one per call while it runs)
   */
  ExchangeDriver(SendWait sendWait, ExecutorService readers) {
    this.sendWait = sendWait;
    this.readers = readers;
  }

  /**
   * Sends {@code data} on a DoExchange of {@code descriptor}, reads every echo, fills {@code out}.
   */
  void exchange(
      FlightLabClient client, FlightDescriptor descriptor, StreamData data, StreamOutcome out)
      throws Exception {
    long start = System.nanoTime();
    AtomicLongArray sent = data.sentNanos();
    BatchSet set = data.data();
    try (FlightClient.ExchangeReaderWriter call =
            client.flight().doExchange(descriptor, client.options());
        VectorSchemaRoot root = IpcSchemas.createRoot(set.schema(), client.allocator())) {
      Future<long[]> reader = readers.submit(() -> readEchoes(call.getReader(), data, start, out));
      FlightClient.ClientStreamListener writer = call.getWriter();
      writer.start(root, set.dictionaries());
      // The batches stay unchanged until the run ends, so gRPC may send them in place.
      writer.setUseZeroCopy(true);
      VectorLoader loader = new VectorLoader(root);
      List<ArrowRecordBatch> batches = set.batches();
      for (int i = 0; i < batches.size(); i++) {
        loader.load(batches.get(i));
        if (!sendWait.awaitReady(writer, reader::isDone)) {
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
      long[] echoed = reader.get();
      call.getResult();
      if (echoed[1] != data.batches || echoed[0] != data.rows) {
        throw new BenchFailure(
            "DoExchange echoed "
                + echoed[1]
                + " batches and "
                + echoed[0]
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

  /** Reads the echoes until the server ends; returns the rows and echoes read. */
  private static long[] readEchoes(
      FlightStream in, StreamData data, long start, StreamOutcome out) {
    long rows = 0;
    long echoes = 0;
    while (in.next()) {
      long now = System.nanoTime();
      long seq = StreamData.sequenceOf(in.getLatestMetadata(), data.batches);
      if (seq >= 0) {
        out.latency.recordValue(Math.max(0, now - data.sentNanos().get((int) seq)));
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
  }
}
