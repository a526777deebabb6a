package dev.flightlab.bench;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.client.PutOutcome;
import dev.flightlab.data.BatchSet;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.PutMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
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
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
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
  static final String PUT_LATENCY = "batch handed to the transport to the server's ack of it";

  static final String GET_LATENCY = "time between consecutive batches arriving";
  static final String EXCHANGE_LATENCY = "batch handed to the transport to its echo arriving";
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
   * One DoPut of {@code data} to {@code path} with the chosen client, timed from opening the call
   * to the server's final answer.
   *
   * <p>With {@code sequence}, each batch carries its sequence number as app_metadata, and the
   * server's per-batch acks (flightlab echoes them) give each batch's latency, from the moment the
   * batch is handed to the transport to its ack; the first ack gives the time to first batch.
   * Batches go out zero-copy: they are immutable until the run ends.
   */
  static void put(
      FlightLabClient client,
      ClientKind kind,
      DatasetPath path,
      StreamData data,
      IpcCompression compression,
      SendWait sendWait,
      boolean sequence,
      StreamOutcome out) {
    if (kind == ClientKind.FLIGHTLAB) {
      putFlightlab(client, path, data, compression, sequence, out);
    } else {
      putArrow(client, path.toDescriptor(), data, compression, sendWait, sequence, out);
    }
  }

  private static void putFlightlab(
      FlightLabClient client,
      DatasetPath path,
      StreamData data,
      IpcCompression compression,
      boolean sequence,
      StreamOutcome out) {
    long start = System.nanoTime();
    AtomicLongArray sent = data.sentNanos();
    AckClock clock = new AckClock(start, sent, out.latency);
    long[] wire = {0};
    FlightLabClient.UploadListener listener =
        new FlightLabClient.UploadListener() {
          @Override
          public void sending(int index, long bodyBytes) {
            wire[0] += bodyBytes;
            sent.set(index, System.nanoTime());
          }

          @Override
          public void acked(ByteBuffer appMetadata) {
            clock.acked(StreamData.sequenceOf(appMetadata, data.batches));
          }
        };
    BatchSet set = data.data();
    PutOutcome outcome =
        client.put(
            path,
            set,
            sequence ? data.sequence() : set.appMetadata(),
            PutMode.REPLACE,
            compression,
            listener);
    long elapsed = System.nanoTime() - start;
    out.calls++;
    out.callNanosSum += elapsed;
    out.rows += data.rows;
    out.batches += data.batches;
    out.logicalBytes += data.logicalBytes;
    out.ipcBodyBytes += data.ipcBodyBytes;
    out.wireBodyBytes += wire[0];
    out.ipcStreamBytes += outcome.ipcStreamBytes();
    clock.recordFirstAck(out.firstBatch);
  }

  private static void putArrow(
      FlightLabClient client,
      FlightDescriptor descriptor,
      StreamData data,
      IpcCompression compression,
      SendWait sendWait,
      boolean sequence,
      StreamOutcome out) {
    long start = System.nanoTime();
    AtomicLongArray sent = data.sentNanos();
    AckClock clock = new AckClock(start, sent, out.latency);
    AsyncPutListener acks =
        new AsyncPutListener() {
          @Override
          public void onNext(PutResult result) {
            clock.acked(StreamData.sequenceOf(result.getApplicationMetadata(), data.batches));
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
    // Arrow Java writes every validity bitmap: the stream is the data's own IPC stream.
    out.ipcStreamBytes += data.ipcStreamBytes;
    clock.recordFirstAck(out.firstBatch);
  }

  /**
   * One DoGet of {@code ticket} with the chosen client, timed from the call to its end; latency
   * samples are the gaps between consecutive batches arriving, and the first batch's arrival is the
   * time to first batch. Rows, batches and (flightlab client) body bytes as received are added to
   * {@code out}; sizes of the data are the caller's to add (it knows what it asked for).
   *
   * @param compression what to ask a flightlab server to compress its batches with (flightlab
   *     client only; with {@code keep} the batches are decompressed as they arrive)
   * @param keep whether to keep what arrived (zero-copy) for verification after the timed part
   * @return what arrived when {@code keep}, owned by the caller; else null
   */
  static BatchSet get(
      FlightLabClient client,
      ClientKind kind,
      Ticket ticket,
      IpcCompression compression,
      StreamOutcome out,
      boolean keep)
      throws Exception {
    long start = System.nanoTime();
    long[] previous = {start};
    long[] counts = {0, 0, 0};
    Runnable arrived =
        () -> {
          long now = System.nanoTime();
          if (counts[1] == 0) {
            out.firstBatch.recordValue(now - start);
          } else {
            out.latency.recordValue(now - previous[0]);
          }
          previous[0] = now;
          counts[1]++;
        };
    BatchSet kept = null;
    if (kind == ClientKind.FLIGHTLAB) {
      if (keep) {
        kept =
            client.get(
                ticket,
                bodyBytes -> {
                  arrived.run();
                  counts[2] += bodyBytes;
                },
                compression);
        counts[0] = kept.rowCount();
      } else {
        client.readBatches(
            ticket,
            (batch, metadata) -> {
              arrived.run();
              counts[0] += batch.getLength();
              counts[2] += batch.computeBodyLength();
            },
            compression);
      }
    } else {
      kept = getArrow(client, ticket, arrived, counts, keep);
    }
    out.calls++;
    out.callNanosSum += System.nanoTime() - start;
    out.rows += counts[0];
    out.batches += counts[1];
    // Arrow's client loads vectors and does not show what crossed the wire.
    out.wireBodyBytes += kind == ClientKind.FLIGHTLAB ? counts[2] : 0;
    return kept;
  }

  /**
   * Reads everything {@code info} describes, as any Flight client would: each endpoint's ticket
   * redeemed where {@link FlightLabClient#clientFor} says, in order; one {@link #get} per endpoint.
   *
   * @return what arrived when {@code keep}, joined in endpoint order and owned by the caller; else
   *     null
   */
  static BatchSet get(
      FlightLabClient client,
      ClientKind kind,
      FlightInfo info,
      IpcCompression compression,
      StreamOutcome out,
      boolean keep)
      throws Exception {
    if (info.getEndpoints().isEmpty()) {
      throw new BenchFailure("GetFlightInfo returned no endpoint to read");
    }
    List<BatchSet> parts = new ArrayList<>();
    try {
      for (FlightEndpoint e : info.getEndpoints()) {
        BatchSet part = get(client.clientFor(e), kind, e.getTicket(), compression, out, keep);
        if (part != null) {
          parts.add(part);
        }
      }
    } catch (Exception | Error e) {
      parts.forEach(BatchSet::close);
      throw e;
    }
    return keep ? BatchSet.concat(parts) : null;
  }

  private static BatchSet getArrow(
      FlightLabClient client, Ticket ticket, Runnable arrived, long[] counts, boolean keep)
      throws Exception {
    BatchSet.Builder kept = null;
    try (FlightStream stream = client.flight().getStream(ticket, client.options())) {
      VectorSchemaRoot root = stream.getRoot();
      if (keep) {
        kept = BatchSet.builder(root.getSchema());
      }
      while (stream.next()) {
        arrived.run();
        counts[0] += root.getRowCount();
        if (kept != null) {
          kept.add(new VectorUnloader(root, true, true).getRecordBatch(), null);
        }
      }
      if (kept != null) {
        DictionaryProvider dictionaries = stream.takeDictionaryOwnership();
        for (long id : dictionaries.getDictionaryIds()) {
          kept.dictionary(dictionaries.lookup(id));
        }
      }
    } catch (Exception | Error e) {
      if (kept != null) {
        kept.build().close();
      }
      throw e;
    }
    return kept == null ? null : kept.build();
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
