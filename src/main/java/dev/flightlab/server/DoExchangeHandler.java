package dev.flightlab.server;

import dev.flightlab.wire.BatchValidator;
import dev.flightlab.wire.InboundFlightData;
import dev.flightlab.wire.OutboundFlightData;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.grpc.StatusUtils;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.VectorBatchAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * flightlab's DoExchange: an echo. Each message the client sends is validated as a DoPut's is, then
 * sent back (schema, dictionaries, batches with their app_metadata, metadata alone).
 *
 * <p>Reads one message at a time and asks for the next only once gRPC can send more: a client that
 * stops reading stops the server reading, so nothing piles up, and no thread waits (callbacks run
 * on the network thread). Received bodies are counted against the memory limit.
 */
final class DoExchangeHandler implements StreamObserver<InboundFlightData> {
  private static final Logger log = LoggerFactory.getLogger(DoExchangeHandler.class);

  private final ServerCallStreamObserver<OutboundFlightData> call;
  private final BufferAllocator allocator;
  private final DictionaryProvider.MapDictionaryProvider dictionaries =
      new DictionaryProvider.MapDictionaryProvider();
  private final Set<Long> receivedDictionaries = new HashSet<>();
  private Schema memorySchema;
  private boolean wantsMore;
  private boolean finished;
  private String what = "DoExchange";

  private DoExchangeHandler(
      ServerCallStreamObserver<OutboundFlightData> call, BufferAllocator allocator) {
    this.call = call;
    this.allocator = allocator;
  }

  /** Answers one DoExchange call: the returned observer receives the client's messages. */
  static StreamObserver<InboundFlightData> handle(
      StreamObserver<OutboundFlightData> observer, BufferAllocator allocator) {
    ServerCallStreamObserver<OutboundFlightData> call =
        (ServerCallStreamObserver<OutboundFlightData>) observer;
    DoExchangeHandler handler = new DoExchangeHandler(call, allocator);
    call.disableAutoRequest();
    call.setOnReadyHandler(handler::onReady);
    call.setOnCancelHandler(handler::release);
    call.request(1);
    return handler;
  }

  private void onReady() {
    if (wantsMore && !finished) {
      wantsMore = false;
      call.request(1);
    }
  }

  private void requestNext() {
    if (finished) {
      return;
    }
    if (call.isReady()) {
      call.request(1);
    } else {
      wantsMore = true;
    }
  }

  @Override
  public void onNext(InboundFlightData message) {
    try (message) {
      if (finished) {
        return;
      }
      if (message.error() != null) {
        FlightRuntimeException e = message.error();
        throw e.status()
            .code()
            .toStatus()
            .withDescription(what + ": " + e.status().description())
            .toRuntimeException();
      }
      switch (message.headerType()) {
        case MessageHeader.Schema -> begin(message);
        case MessageHeader.DictionaryBatch -> dictionary(message);
        case MessageHeader.RecordBatch -> batch(message);
        case MessageHeader.NONE -> {
          if (message.appMetadata() != null) {
            call.onNext(OutboundFlightData.metadataOnly(message.appMetadata()));
          }
        }
        default ->
            throw Statuses.invalid(what + ": unsupported IPC message type " + message.headerType());
      }
    } catch (Throwable t) {
      fail(t);
      return;
    }
    requestNext();
  }

  private void begin(InboundFlightData message) {
    if (memorySchema != null) {
      throw Statuses.invalid(what + ": a second schema message");
    }
    Map<Long, Dictionary> created = new HashMap<>();
    try {
      memorySchema = message.memorySchema(allocator, created);
    } finally {
      created.values().forEach(dictionaries::put);
    }
    call.onNext(OutboundFlightData.schema(null, message.schema(), IpcOption.DEFAULT));
  }

  private void requireSchema() {
    if (memorySchema == null) {
      throw Statuses.invalid(what + ": a batch before the schema message");
    }
  }

  private ArrowRecordBatch uncompressed(ArrowRecordBatch batch) {
    return ReceivedDictionaries.uncompressed(batch, allocator);
  }

  private long dictionaryLength(long id) {
    if (!receivedDictionaries.contains(id)) {
      return -1;
    }
    return dictionaries.lookup(id).getVector().getValueCount();
  }

  private void dictionary(InboundFlightData message) {
    requireSchema();
    try (ArrowDictionaryBatch batch = message.dictionaryBatch()) {
      ReceivedDictionaries.receive(
          what,
          batch,
          dictionaries,
          this::dictionaryLength,
          allocator,
          (dictionary, data) -> {
            FieldVector vector = dictionary.getVector();
            if (batch.isDelta() && receivedDictionaries.contains(batch.getDictionaryId())) {
              // A delta appends; the echo sends the whole dictionary, which a reader applies
              // alike.
              try (FieldVector values = vector.getField().createVector(allocator)) {
                ReceivedDictionaries.load(values, data);
                VectorBatchAppender.batchAppend(vector, values);
              }
            } else {
              ReceivedDictionaries.load(vector, data);
            }
          });
      receivedDictionaries.add(batch.getDictionaryId());
      call.onNext(OutboundFlightData.dictionary(dictionaries.lookup(batch.getDictionaryId())));
    }
  }

  private void batch(InboundFlightData message) {
    requireSchema();
    try (ArrowRecordBatch received = message.recordBatch()) {
      ArrowRecordBatch batch = uncompressed(received);
      try {
        BatchValidator.validate(memorySchema.getFields(), batch, this::dictionaryLength);
        // The outgoing message holds its own references to the buffers until gRPC has sent it.
        call.onNext(
            OutboundFlightData.recordBatch(batch, message.appMetadata(), IpcOption.DEFAULT));
      } finally {
        if (batch != received) {
          batch.close();
        }
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    log.debug("{} ended by the client: {}", what, t.toString());
    release();
  }

  @Override
  public void onCompleted() {
    if (finished) {
      return;
    }
    release();
    call.onCompleted();
  }

  private void fail(Throwable t) {
    if (finished) {
      return;
    }
    FlightRuntimeException status = Statuses.toFlight(t, what);
    log.debug("{} failed: {}", what, status.getMessage());
    release();
    if (!call.isCancelled()) {
      call.onError(StatusUtils.toGrpcException(status));
    }
  }

  private void release() {
    if (finished) {
      return;
    }
    finished = true;
    List<AutoCloseable> all = new ArrayList<>();
    for (long id : dictionaries.getDictionaryIds()) {
      all.add(dictionaries.lookup(id).getVector());
    }
    try {
      AutoCloseables.close(all);
    } catch (Exception e) {
      log.warn("{}: could not free the exchange: {}", what, e.toString());
    }
  }
}
