package dev.flightlab.bench;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.IpcSchemas;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.IpcCompression;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * One stream's DoPut with either client, timed from opening the call to the server's final answer.
 *
 * <p>With sequence numbers, each batch carries its index as app_metadata and the server's per-batch
 * acks (flightlab echoes them) give each batch's latency, from the moment it is handed to the
 * transport to its ack; the first ack is the time to first batch. Batches go out zero-copy: they
 * stay unchanged until the run ends.
 */
final class PutDriver {
  private final TransferOptions transfer;

  PutDriver(TransferOptions transfer) {
    this.transfer = transfer;
  }

  /**
   * Uploads {@code data} to {@code path} (replacing it) and adds what moved to {@code out}.
   *
   * @param timeBatches time each batch by its acknowledgement: send its sequence number as
   *     app_metadata, unless the options turn per-batch latency off ({@code --no-batch-latency});
   *     otherwise the data's own app_metadata goes
   */
  void put(
      FlightLabClient client,
      DatasetPath path,
      StreamData data,
      boolean timeBatches,
      StreamOutcome out) {
    put(client, path.toDescriptor(), data, timeBatches, out);
  }

  /** Uploads {@code data} with {@code descriptor} as it is (a Perf command, say): see above. */
  void put(
      FlightLabClient client,
      FlightDescriptor path,
      StreamData data,
      boolean timeBatches,
      StreamOutcome out) {
    boolean sequence = timeBatches && transfer.batchLatency();
    long start = System.nanoTime();
    AckClock clock = new AckClock(start, data.sentNanos(), out.latency);
    long[] sent =
        transfer.client() == ClientKind.FLIGHTLAB
            ? putFlightlab(client, path, data, sequence, clock)
            : putArrow(client, path, data, sequence, clock);
    out.calls++;
    out.callNanosSum += System.nanoTime() - start;
    out.rows += data.rows;
    out.batches += data.batches;
    out.logicalBytes += data.logicalBytes;
    out.ipcBodyBytes += data.ipcBodyBytes;
    out.wireBodyBytes += sent[0];
    out.ipcStreamBytes += sent[1];
    clock.recordFirstAck(out.firstBatch);
  }

  /** Returns the body bytes as sent and the IPC stream bytes. */
  private long[] putFlightlab(
      FlightLabClient client,
      FlightDescriptor path,
      StreamData data,
      boolean sequence,
      AckClock clock) {
    AtomicLongArray sentNanos = data.sentNanos();
    long[] wire = {0};
    FlightLabClient.UploadListener listener =
        new FlightLabClient.UploadListener() {
          @Override
          public void sending(int index, long bodyBytes) {
            wire[0] += bodyBytes;
            sentNanos.set(index, System.nanoTime());
          }

          @Override
          public void acked(ByteBuffer appMetadata) {
            clock.acked(StreamData.sequenceOf(appMetadata, data.batches));
          }
        };
    BatchSet set = data.data();
    long stream =
        client
            .put(
                path,
                set,
                sequence ? data.sequence() : set.appMetadata(),
                transfer.compression(),
                listener)
            .ipcStreamBytes();
    return new long[] {wire[0], stream};
  }

  /** Returns the body bytes as sent and the IPC stream bytes. */
  private long[] putArrow(
      FlightLabClient client,
      FlightDescriptor path,
      StreamData data,
      boolean sequence,
      AckClock clock) {
    AtomicLongArray sentNanos = data.sentNanos();
    AsyncPutListener acks =
        new AsyncPutListener() {
          @Override
          public void onNext(PutResult result) {
            clock.acked(StreamData.sequenceOf(result.getApplicationMetadata(), data.batches));
          }
        };
    BatchSet set = data.data();
    IpcCompression.CountingCodec codec = null;
    try (VectorSchemaRoot root = IpcSchemas.createRoot(set.schema(), client.allocator())) {
      FlightClient.ClientStreamListener stream =
          client.flight().startPut(path, root, set.dictionaries(), acks, client.options());
      // The batches stay unchanged until the run ends, so gRPC may send them in place.
      stream.setUseZeroCopy(true);
      if (transfer.compression().enabled()) {
        codec = transfer.compression().install(stream, root);
      }
      VectorLoader loader = new VectorLoader(root);
      List<ArrowRecordBatch> batches = set.batches();
      for (int i = 0; i < batches.size(); i++) {
        loader.load(batches.get(i));
        ArrowBuf metadata = sequence ? data.sequenceForSending(i) : null;
        if (!transfer.sendWait().awaitReady(stream, acks::isCancelled)) {
          if (metadata != null) {
            metadata.close();
          }
          // The server ended the call early: its answer says why.
          stream.getResult();
          throw new BenchFailure("DoPut ended after " + i + " of " + batches.size() + " batches");
        }
        sentNanos.set(i, System.nanoTime());
        // The message takes over the metadata's reference and closes it once sent.
        stream.putNext(metadata);
      }
      stream.completed();
      stream.getResult();
    }
    // Arrow Java writes every validity bitmap: the stream is the data's own IPC stream.
    long wire = codec == null ? data.ipcBodyBytes : codec.compressedBodyBytes();
    return new long[] {wire, data.ipcStreamBytes};
  }

  /** Per-batch upload latency: from a batch's send to its ack, and the time to the first ack. */
  private static final class AckClock {
    private final long start;
    private final AtomicLongArray sentNanos;
    private final Histogram latency;
    private long firstAckNanos = -1;

    AckClock(long start, AtomicLongArray sentNanos, Histogram latency) {
      this.start = start;
      this.sentNanos = sentNanos;
      this.latency = latency;
    }

    /** Records the ack of batch {@code sequence} (negative: not one of ours, ignored). */
    void acked(long sequence) {
      if (sequence < 0) {
        return;
      }
      long now = System.nanoTime();
      latency.recordValue(Math.max(0, now - sentNanos.get((int) sequence)));
      if (firstAckNanos < 0) {
        firstAckNanos = now - start;
      }
    }

    void recordFirstAck(Histogram firstBatch) {
      if (firstAckNanos >= 0) {
        firstBatch.recordValue(firstAckNanos);
      }
    }
  }
}
