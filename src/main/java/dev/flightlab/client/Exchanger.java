package dev.flightlab.client;

import com.google.common.util.concurrent.MoreExecutors;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.IpcSchemas;
import dev.flightlab.wire.FlightMethods;
import dev.flightlab.wire.InboundFlightData;
import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.OutboundFlightData;
import dev.flightlab.wire.OutboundStream;
import dev.flightlab.wire.TransportSettings;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * One DoExchange on flightlab's data plane, full duplex: the calling thread writes a batch set's
 * {@link OutboundStream} as gRPC's onReady callbacks allow, while the server's messages are read on
 * the connection's network thread as they arrive (each body copied once from gRPC's buffers, as
 * {@link Downloader} reads them). Sending never waits for the replies, only for flow control.
 *
 * <p>One writer thread; gRPC's callbacks run on the network thread, one at a time, and everything
 * they build is read by the writer only after the call has ended.
 */
final class Exchanger implements AutoCloseable {
  /** Messages parsed ahead of the reader. */
  private static final int PREFETCH = 4;

  private static final long CLOSE_WAIT_NANOS = 5_000_000_000L;

  private final ClientCall<OutboundFlightData, InboundFlightData> call;
  private final BufferAllocator allocator;
  private final FlightLabClient.ExchangeListener listener;
  private final boolean keep;
  private final SendGate gate = new SendGate();
  private final Object lock = gate.lock();
  private boolean closed;

  // Written on the network thread only; read by the writer once the call has ended.
  private long rowsReceived;
  private long batchesReceived;
  private Throwable readFailure;
  private BatchSet.Builder received;
  private final Map<Long, Dictionary> dictionaries = new HashMap<>();
  private VectorSchemaRoot decompressed;

  /** The server ended the call, without an error, before everything was sent. */
  private static final class EndedEarly extends RuntimeException {
    EndedEarly() {
      super(null, null, false, false);
    }
  }

  /** Sends {@code data} on a DoExchange and reads what comes back: see {@link FlightLabClient}. */
  static ExchangeOutcome exchange(
      Connection connection,
      FlightDescriptor descriptor,
      BatchSet data,
      List<ArrowBuf> appMetadata,
      IpcCompression compression,
      FlightLabClient.ExchangeListener listener,
      boolean keep) {
    long start = System.nanoTime();
    int[] batchesSent = {0};
    long[] rowsSent = {0};
    long ipcStreamBytes;
    try (Exchanger exchange = new Exchanger(connection, listener, keep)) {
      try {
        ipcStreamBytes =
            OutboundStream.encode(
                descriptor,
                data,
                appMetadata,
                compression,
                connection.allocator,
                (message, index) -> {
                  exchange.send(message, index);
                  if (index >= 0) {
                    batchesSent[0]++;
                    rowsSent[0] += data.batches().get(index).getLength();
                  }
                });
        exchange.finish();
      } catch (EndedEarly e) {
        // Nothing more was sent: the outcome says how far it got.
        ipcStreamBytes = -1;
      }
      exchange.throwIfFailed();
      BatchSet kept = exchange.takeReceived();
      return new ExchangeOutcome(
          rowsSent[0],
          batchesSent[0],
          exchange.rowsReceived,
          exchange.batchesReceived,
          System.nanoTime() - start,
          ipcStreamBytes,
          kept);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CallStatus.CANCELLED.withDescription("exchange interrupted").toRuntimeException();
    }
  }

  private Exchanger(
      Connection connection, FlightLabClient.ExchangeListener listener, boolean keep) {
    this.allocator = connection.allocator;
    this.listener = listener;
    this.keep = keep;
    // gRPC's default reports "not ready" past 32 KiB queued: less than one batch. Callbacks run on
    // the network thread and never block.
    call =
        connection.channel.newCall(
            FlightMethods.clientDoExchange(connection.allocator),
            CallOptions.DEFAULT
                .withOnReadyThreshold(TransportSettings.SEND_BUFFER_BYTES)
                .withExecutor(MoreExecutors.directExecutor()));
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(InboundFlightData message) {
            receive(message);
          }

          @Override
          public void onReady() {
            gate.ready();
          }

          @Override
          public void onClose(Status s, Metadata t) {
            gate.closed(s, t);
          }
        },
        connection.headers(null, IpcCompression.NONE));
    call.request(PREFETCH);
  }

  /**
   * Sends one message once gRPC can take it; discards it when the call has ended.
   *
   * @param index the record batch's index, -1 for the schema and dictionaries
   */
  private void send(OutboundFlightData message, int index) throws InterruptedException {
    Status ended;
    try {
      ended = gate.awaitSendable(message.wireBytes(), call);
    } catch (InterruptedException e) {
      message.discard();
      throw e;
    }
    if (ended != null) {
      message.discard();
      synchronized (lock) {
        if (ended.isOk() && readFailure == null) {
          throw new EndedEarly();
        }
      }
      throw failure();
    }
    if (index >= 0 && listener != null) {
      listener.sending(index, message.ipcBodyBytes());
    }
    call.sendMessage(message);
  }

  /** Ends the sending side and waits for the server to end the call. */
  private void finish() throws InterruptedException {
    call.halfClose();
    gate.awaitClose();
  }

  /** Throws what ended the call: the reader's failure, or the server's error status. */
  private void throwIfFailed() {
    Throwable failed;
    synchronized (lock) {
      failed = readFailure;
    }
    if (failed instanceof RuntimeException e) {
      throw e;
    }
    if (failed instanceof Error e) {
      throw e;
    }
    if (failed != null) {
      throw new IllegalStateException("exchange listener failed: " + failed.getMessage(), failed);
    }
    if (!gate.status().isOk()) {
      throw failure();
    }
  }

  private RuntimeException failure() {
    Throwable failed = readFailure;
    if (failed instanceof RuntimeException e) {
      return e;
    }
    return gate.failure();
  }

  /** Handles one message from the server on the network thread, then asks for the next. */
  private void receive(InboundFlightData message) {
    try (message) {
      if (readFailure != null) {
        return;
      }
      switch (message.headerType()) {
        case MessageHeader.Schema -> {
          if (keep) {
            if (received != null) {
              throw CallStatus.INTERNAL
                  .withDescription("DoExchange: the server sent a second schema")
                  .toRuntimeException();
            }
            received = BatchSet.builder(message.memorySchema(allocator, dictionaries));
            dictionaries.values().forEach(received::dictionary);
          }
        }
        case MessageHeader.DictionaryBatch -> {
          if (keep) {
            try (ArrowDictionaryBatch batch = message.dictionaryBatch()) {
              Downloader.applyDictionary(batch, dictionaries, received, allocator);
            }
          }
        }
        case MessageHeader.RecordBatch -> recordBatch(message);
        case MessageHeader.NONE -> {
          if (listener != null && message.appMetadata() != null) {
            listener.metadata(message.appMetadata());
          }
        }
        default -> {}
      }
    } catch (Throwable t) {
      synchronized (lock) {
        readFailure = t;
      }
      call.cancel("the exchange's reader failed", t);
      return;
    }
    call.request(1);
  }

  private void recordBatch(InboundFlightData message) {
    if (keep && received == null) {
      throw CallStatus.INTERNAL
          .withDescription("DoExchange: a batch before the schema")
          .toRuntimeException();
    }
    ArrowRecordBatch batch = message.recordBatch();
    try {
      rowsReceived += batch.getLength();
      batchesReceived++;
      if (listener != null) {
        listener.echoed(batch, message.appMetadata());
      }
      if (!keep) {
        return;
      }
      ArrowBuf metadata = message.appMetadata();
      if (metadata != null) {
        // The kept batch set takes a reference of its own.
        metadata.getReferenceManager().retain();
      }
      if (batch.getBodyCompression().getCodec() == NoCompressionCodec.COMPRESSION_TYPE) {
        // The builder takes the batch over.
        received.add(batch, metadata);
        batch = null;
      } else {
        if (decompressed == null) {
          decompressed = IpcSchemas.createRoot(received.schema(), allocator);
        }
        new VectorLoader(decompressed, CommonsCompressionFactory.INSTANCE).load(batch);
        received.add(decompressed, metadata);
      }
    } finally {
      if (batch != null) {
        batch.close();
      }
    }
  }

  /** What was kept, built (call only after the call ended well); null when nothing was kept. */
  private BatchSet takeReceived() {
    if (!keep) {
      return null;
    }
    if (received == null) {
      throw CallStatus.INTERNAL
          .withDescription("DoExchange ended without a schema")
          .toRuntimeException();
    }
    BatchSet built = received.build();
    received = null;
    dictionaries.clear();
    return built;
  }

  /**
   * Cancels the call unless it ended, waits (up to a few seconds) for it to end so that no callback
   * still runs, and frees whatever was kept and not taken.
   */
  @Override
  public void close() {
    boolean interrupted = false;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (gate.status() == null) {
        call.cancel("exchange abandoned", null);
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        while (gate.status() == null && System.nanoTime() < deadline) {
          try {
            lock.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Downloader.freeUnbuilt(received, dictionaries);
    received = null;
    dictionaries.clear();
    if (decompressed != null) {
      decompressed.close();
      decompressed = null;
    }
  }
}
