package dev.flightlab.client;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.IpcSchemas;
import dev.flightlab.wire.FlightMethods;
import dev.flightlab.wire.InboundFlightData;
import dev.flightlab.wire.IpcCompression;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.grpc.StatusUtils;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.VectorBatchAppender;

/**
 * One DoGet, each body copied once from gRPC's network buffers into direct memory on the
 * connection's network thread: read into a {@link BatchSet} on the caller's thread ({@link #get};
 * while it handles one message, the next is parsed), or handed batch by batch to a visitor on the
 * network thread itself ({@link #readBatches}), which saves a hand-off and a wake-up per message.
 *
 * <p>One reader thread. Closing it cancels an unfinished call and frees the messages still queued.
 */
final class Downloader implements AutoCloseable {
  /** Messages parsed ahead of the reader. */
  private static final int PREFETCH = 4;

  private static final long CLOSE_WAIT_NANOS = 5_000_000_000L;

  private final ClientCall<Flight.Ticket, InboundFlightData> call;
  private final Deque<InboundFlightData> queue = new ArrayDeque<>();
  private final FlightLabClient.BatchVisitor visitor;
  private final boolean readAhead;
  private Schema schema;
  private Status status;
  private Metadata trailers;
  private Throwable visitorFailure;
  private boolean closed;

  /** Downloads into a batch set: see {@link FlightLabClient#get}. */
  static BatchSet get(
      Connection connection,
      Ticket ticket,
      LongConsumer onRecordBatch,
      IpcCompression compression) {
    String path = new String(ticket.getBytes(), StandardCharsets.UTF_8);
    BatchSet.Builder out = null;
    VectorSchemaRoot decompressed = null;
    Map<Long, Dictionary> dictionaries = new HashMap<>();
    try (Downloader download = new Downloader(connection, ticket, compression, null, false)) {
      for (InboundFlightData next = download.next(); next != null; next = download.next()) {
        try (InboundFlightData message = next) {
          switch (message.headerType()) {
            case MessageHeader.Schema -> {
              out = BatchSet.builder(message.memorySchema(connection.allocator, dictionaries));
              dictionaries.values().forEach(out::dictionary);
            }
            case MessageHeader.DictionaryBatch -> {
              try (ArrowDictionaryBatch batch = message.dictionaryBatch()) {
                applyDictionary(batch, dictionaries, out, connection.allocator);
              }
            }
            case MessageHeader.RecordBatch -> {
              if (onRecordBatch != null) {
                onRecordBatch.accept(message.bodyBytes());
              }
              if (out == null) {
                throw CallStatus.INTERNAL
                    .withDescription("DoGet '" + path + "': a batch before the schema")
                    .toRuntimeException();
              }
              ArrowBuf metadata = message.appMetadata();
              if (metadata != null) {
                metadata.getReferenceManager().retain();
              }
              ArrowRecordBatch batch = message.recordBatch();
              if (batch.getBodyCompression().getCodec() == NoCompressionCodec.COMPRESSION_TYPE) {
                out.add(batch, metadata);
              } else {
                try (batch) {
                  if (decompressed == null) {
                    decompressed = IpcSchemas.createRoot(out.schema(), connection.allocator);
                  }
                  new VectorLoader(decompressed, CommonsCompressionFactory.INSTANCE).load(batch);
                  out.add(decompressed, metadata);
                }
              }
            }
            default -> {}
          }
        }
      }
      if (out == null) {
        throw CallStatus.INTERNAL
            .withDescription("DoGet '" + path + "' ended without a schema")
            .toRuntimeException();
      }
      return out.build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      freeUnbuilt(out, dictionaries);
      throw CallStatus.CANCELLED.withDescription("download interrupted").toRuntimeException();
    } catch (RuntimeException e) {
      freeUnbuilt(out, dictionaries);
      throw e;
    } finally {
      if (decompressed != null) {
        decompressed.close();
      }
    }
  }

  /**
   * Applies a dictionary message as the IPC format says: a delta appends to the dictionary, any
   * other message replaces it. Before the first batch the dictionaries are changed in place; after
   * it, the new whole values go to {@code out} for the batches that follow.
   */
  static void applyDictionary(
      ArrowDictionaryBatch batch,
      Map<Long, Dictionary> dictionaries,
      BatchSet.Builder out,
      BufferAllocator allocator) {
    Dictionary d = dictionaries.get(batch.getDictionaryId());
    if (d == null || out == null) {
      throw CallStatus.INTERNAL
          .withDescription("dictionary " + batch.getDictionaryId() + " not in schema")
          .toRuntimeException();
    }
    FieldVector current = d.getVector();
    boolean inPlace = out.batchCount() == 0;
    if (inPlace && !batch.isDelta()) {
      load(current, batch);
      return;
    }
    FieldVector values = current.getField().createVector(allocator);
    try {
      load(values, batch);
      if (batch.isDelta()) {
        if (inPlace) {
          VectorBatchAppender.batchAppend(current, values);
          values.close();
          return;
        }
        // The earlier values stay with the batches before this one: the whole goes to a new vector.
        FieldVector whole = concat(current, values, allocator);
        values.close();
        values = whole;
      }
    } catch (RuntimeException e) {
      values.close();
      throw e;
    }
    // The builder owns the new values; the map points at them for the next delta.
    Dictionary replaced = new Dictionary(values, d.getEncoding());
    out.replaceDictionary(replaced);
    dictionaries.put(batch.getDictionaryId(), replaced);
  }

  /** A new vector holding {@code first}'s values, then {@code second}'s. */
  private static FieldVector concat(
      FieldVector first, FieldVector second, BufferAllocator allocator) {
    FieldVector whole = first.getField().createVector(allocator);
    try {
      whole.allocateNew();
      int n = first.getValueCount();
      for (int i = 0; i < n; i++) {
        whole.copyFromSafe(i, i, first);
      }
      for (int i = 0; i < second.getValueCount(); i++) {
        whole.copyFromSafe(i, n + i, second);
      }
      whole.setValueCount(n + second.getValueCount());
      return whole;
    } catch (RuntimeException e) {
      whole.close();
      throw e;
    }
  }

  private static void load(FieldVector vector, ArrowDictionaryBatch batch) {
    new VectorLoader(
            new VectorSchemaRoot(List.of(vector.getField()), List.of(vector), 0),
            CommonsCompressionFactory.INSTANCE)
        .load(batch.getDictionary());
  }

  static void freeUnbuilt(BatchSet.Builder out, Map<Long, Dictionary> dictionaries) {
    if (out != null) {
      out.build().close();
    } else {
      dictionaries.values().forEach(d -> d.getVector().close());
    }
  }

  /**
   * Opens a DoGet whose messages the caller takes one by one with {@link #next}: at most a few
   * ahead of the caller, or with {@code readAhead} everything the server sends, as fast as it comes
   * (for endpoints fetched ahead of the one being read). Close it to cancel an unfinished call.
   */
  static Downloader open(
      Connection connection, Ticket ticket, IpcCompression compression, boolean readAhead) {
    return new Downloader(connection, ticket, compression, null, readAhead);
  }

  /** Reads batch by batch: see {@link FlightLabClient#readBatches}. */
  static Schema readBatches(
      Connection connection,
      Ticket ticket,
      FlightLabClient.BatchVisitor visitor,
      IpcCompression compression) {
    try (Downloader download = new Downloader(connection, ticket, compression, visitor, false)) {
      download.awaitEnd();
      // awaitEnd saw the call end after the last message: the schema set there is visible.
      return download.schema;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CallStatus.CANCELLED.withDescription("download interrupted").toRuntimeException();
    }
  }

  /** Opens the call; with a visitor, messages go to it on the network thread instead of a queue. */
  private Downloader(
      Connection connection,
      Ticket ticket,
      IpcCompression compression,
      FlightLabClient.BatchVisitor visitor,
      boolean readAhead) {
    this.visitor = visitor;
    this.readAhead = readAhead;
    // Callbacks run on the connection's network thread (they never block): each message is
    // parsed where it was read, instead of being handed to another thread first.
    call =
        connection.channel.newCall(
            FlightMethods.clientDoGet(connection.allocator),
            CallOptions.DEFAULT.withExecutor(MoreExecutors.directExecutor()));
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(InboundFlightData message) {
            if (visitor != null) {
              deliver(message);
              return;
            }
            synchronized (queue) {
              if (closed) {
                message.close();
                return;
              }
              queue.add(message);
              queue.notifyAll();
            }
            if (readAhead) {
              call.request(1);
            }
          }

          @Override
          public void onClose(Status s, Metadata t) {
            synchronized (queue) {
              status = s;
              trailers = t;
              queue.notifyAll();
            }
          }
        },
        connection.headers(null, compression));
    call.sendMessage(
        Flight.Ticket.newBuilder().setTicket(ByteString.copyFrom(ticket.getBytes())).build());
    call.halfClose();
    call.request(PREFETCH);
  }

  private void deliver(InboundFlightData message) {
    try (message) {
      synchronized (queue) {
        if (closed || visitorFailure != null) {
          return;
        }
      }
      if (message.headerType() == MessageHeader.Schema) {
        schema = message.schema();
      } else if (message.headerType() == MessageHeader.RecordBatch) {
        try (ArrowRecordBatch batch = message.recordBatch()) {
          visitor.batch(batch, message.appMetadata());
        }
      }
    } catch (Throwable t) {
      synchronized (queue) {
        visitorFailure = t;
      }
      call.cancel("the reader failed", t);
      return;
    }
    call.request(1);
  }

  /**
   * With a visitor: waits until the call has ended and every message went to the visitor.
   *
   * @throws FlightRuntimeException with the server's status when the call failed
   * @throws RuntimeException what the visitor threw (the call was cancelled)
   */
  private void awaitEnd() throws InterruptedException {
    Throwable failed;
    synchronized (queue) {
      while (status == null) {
        queue.wait();
      }
      failed = visitorFailure;
    }
    if (failed instanceof RuntimeException e) {
      throw e;
    }
    if (failed instanceof Error e) {
      throw e;
    }
    if (failed != null) {
      throw new IllegalStateException("batch visitor failed: " + failed.getMessage(), failed);
    }
    if (!status.isOk()) {
      throw StatusUtils.fromGrpcStatusAndTrailers(status, trailers).toRuntimeException();
    }
  }

  /**
   * The next message, owned by the caller; null when the call ended cleanly.
   *
   * @throws FlightRuntimeException with the server's status when the call failed
   */
  InboundFlightData next() throws InterruptedException {
    InboundFlightData message;
    synchronized (queue) {
      while (queue.isEmpty() && status == null) {
        queue.wait();
      }
      message = queue.poll();
      if (message == null) {
        if (!status.isOk()) {
          throw StatusUtils.fromGrpcStatusAndTrailers(status, trailers).toRuntimeException();
        }
        return null;
      }
    }
    if (!readAhead) {
      call.request(1);
    }
    return message;
  }

  /** The server's status if the call failed already, else null (still running, or ended well). */
  Status failure() {
    synchronized (queue) {
      return status == null || status.isOk() ? null : status;
    }
  }

  /**
   * Cancels the call unless it ended, and frees the messages still queued. With a visitor, waits
   * (up to a few seconds) for the call to end, so that the visitor is not running on return.
   */
  @Override
  public void close() {
    synchronized (queue) {
      if (closed) {
        return;
      }
      closed = true;
      queue.forEach(InboundFlightData::close);
      queue.clear();
      if (status == null) {
        call.cancel("reader closed", null);
      }
      if (visitor != null) {
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        boolean interrupted = false;
        while (status == null && System.nanoTime() < deadline) {
          try {
            queue.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
