package dev.flightlab.client;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import dev.flightlab.data.BatchSet;
import dev.flightlab.wire.FlightMethods;
import dev.flightlab.wire.InboundFlightData;
import dev.flightlab.wire.IpcCompression;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.DictionaryUtility;

/**
 * Downloads with DoGet, each body copied once from gRPC's network buffers into direct memory on the
 * connection's network thread: into a {@link BatchSet} on the caller's thread ({@link #get}), or
 * batch by batch to a visitor on the network thread itself ({@link #readBatches}), which saves a
 * hand-off and a wake-up per message.
 */
final class Downloader {
  /** Messages parsed ahead of the reader. */
  private static final int PREFETCH = 4;

  private static final long CLOSE_WAIT_NANOS = 5_000_000_000L;

  private final Connection connection;

  Downloader(Connection connection) {
    this.connection = connection;
  }

  /** Downloads into a batch set: see {@link FlightLabClient#get}. */
  BatchSet get(Ticket ticket, LongConsumer onRecordBatch, IpcCompression compression) {
    String path = new String(ticket.getBytes(), StandardCharsets.UTF_8);
    BatchSet.Builder out = null;
    VectorSchemaRoot decompressed = null;
    Map<Long, Dictionary> dictionaries = new HashMap<>();
    try (DoGetCall call = new DoGetCall(ticket, compression, null)) {
      for (InboundFlightData next = call.next(); next != null; next = call.next()) {
        try (InboundFlightData message = next) {
          switch (message.headerType()) {
            case MessageHeader.Schema -> {
              List<Field> fields = new ArrayList<>();
              Schema schema = message.schema();
              for (Field f : schema.getFields()) {
                fields.add(DictionaryUtility.toMemoryFormat(f, connection.allocator, dictionaries));
              }
              out = BatchSet.builder(new Schema(fields, schema.getCustomMetadata()));
              dictionaries.values().forEach(out::dictionary);
            }
            case MessageHeader.DictionaryBatch -> {
              try (ArrowDictionaryBatch batch = message.dictionaryBatch()) {
                Dictionary d = dictionaries.get(batch.getDictionaryId());
                if (d == null) {
                  throw CallStatus.INTERNAL
                      .withDescription("dictionary " + batch.getDictionaryId() + " not in schema")
                      .toRuntimeException();
                }
                FieldVector vector = d.getVector();
                new VectorLoader(
                        new VectorSchemaRoot(List.of(vector.getField()), List.of(vector), 0))
                    .load(batch.getDictionary());
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
                    decompressed = VectorSchemaRoot.create(out.schema(), connection.allocator);
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

  private static void freeUnbuilt(BatchSet.Builder out, Map<Long, Dictionary> dictionaries) {
    if (out != null) {
      out.build().close();
    } else {
      dictionaries.values().forEach(d -> d.getVector().close());
    }
  }

  /** Reads batch by batch: see {@link FlightLabClient#readBatches}. */
  Schema readBatches(
      Ticket ticket, FlightLabClient.BatchVisitor visitor, IpcCompression compression) {
    Schema[] schema = new Schema[1];
    Sink sink =
        message -> {
          if (message.headerType() == MessageHeader.Schema) {
            schema[0] = message.schema();
          } else if (message.headerType() == MessageHeader.RecordBatch) {
            try (ArrowRecordBatch batch = message.recordBatch()) {
              visitor.batch(batch, message.appMetadata());
            }
          }
        };
    try (DoGetCall call = new DoGetCall(ticket, compression, sink)) {
      call.awaitEnd();
      // awaitEnd saw the call end after the last message: the schema written there is visible.
      return schema[0];
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CallStatus.CANCELLED.withDescription("download interrupted").toRuntimeException();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("batch visitor failed: " + e.getMessage(), e);
    }
  }

  /** Takes each message on the network thread; it must be quick and must not block. */
  @FunctionalInterface
  private interface Sink {
    /** Handles one message, borrowed for the call. */
    void accept(InboundFlightData message) throws Exception;
  }

  /**
   * One DoGet call, read by one thread: {@link #next()} hands each message to the reading thread
   * (while it handles one, the next is parsed), or a {@link Sink} takes each message on the network
   * thread and {@link #awaitEnd()} waits for the end. Closing it cancels an unfinished call and
   * frees the messages still queued.
   */
  private final class DoGetCall implements AutoCloseable {
    private final ClientCall<Flight.Ticket, InboundFlightData> call;
    private final Deque<InboundFlightData> queue = new ArrayDeque<>();
    private final Sink sink;
    private Status status;
    private Metadata trailers;
    private Throwable sinkFailure;
    private boolean closed;

    DoGetCall(Ticket ticket, IpcCompression compression, Sink sink) {
      this.sink = sink;
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
              if (sink != null) {
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
          if (closed || sinkFailure != null) {
            return;
          }
        }
        sink.accept(message);
      } catch (Throwable t) {
        synchronized (queue) {
          sinkFailure = t;
        }
        call.cancel("the reader failed", t);
        return;
      }
      call.request(1);
    }

    /**
     * With a {@link Sink}: waits until the call has ended and every message went to the sink.
     *
     * @throws FlightRuntimeException with the server's status when the call failed
     * @throws Exception what the sink threw (the call was cancelled)
     */
    void awaitEnd() throws Exception {
      Throwable failed;
      synchronized (queue) {
        while (status == null) {
          queue.wait();
        }
        failed = sinkFailure;
      }
      if (failed instanceof Exception e) {
        throw e;
      }
      if (failed instanceof Error e) {
        throw e;
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
      call.request(1);
      return message;
    }

    /**
     * Cancels the call unless it ended, and frees the messages still queued. With a sink, waits (up
     * to a few seconds) for the call to end, so that the sink is not running when this returns.
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
        if (sink != null) {
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
}
