package dev.flightlab.server;

import com.google.protobuf.ByteString;
import dev.flightlab.store.DatasetStore;
import dev.flightlab.store.WriteSession;
import dev.flightlab.wire.BatchValidator;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.InboundFlightData;
import dev.flightlab.wire.PutMode;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.grpc.StatusUtils;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.VectorBatchAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * flightlab's DoPut, one upload: schema, dictionaries, then batches into the store's {@link
 * WriteSession}, committed on the client's half-close and abandoned on any failure or cancellation.
 *
 * <p>Each message's body arrives read straight from gRPC's network buffers into direct memory
 * (Arrow Java copies it through a heap array of the body's size first); callbacks run on the
 * network thread that read the message and never block.
 *
 * <p>A batch (or a metadata-only message) that carries app_metadata is answered with a PutResult
 * echoing it, as Arrow C++'s integration and benchmark servers do; one without gets no PutResult.
 * An empty ack per batch cost the server a response HEADERS frame, a DATA frame and often a write
 * of its own, and the client a message to read: about 4 % of a warm call from pyarrow's client
 * (docs/benchmarks.md).
 */
final class DoPutHandler implements StreamObserver<InboundFlightData> {
  private static final Logger log = LoggerFactory.getLogger(DoPutHandler.class);

  private final ServerCallStreamObserver<Flight.PutResult> call;
  private final DatasetStore store;
  private final BufferAllocator allocator;
  private PutMode mode = PutMode.REPLACE;
  private final DictionaryProvider.MapDictionaryProvider dictionaries =
      new DictionaryProvider.MapDictionaryProvider();
  private final Map<Long, Long> dictionaryLengths = new HashMap<>();
  // Made once: a method reference made per batch is a method-handle allocation in C1 code.
  private final BatchValidator.DictionaryLengths dictionaryLengthOf = this::dictionaryLength;
  private WriteSession session;
  private Schema memorySchema;
  private boolean finished;
  private String what = "DoPut";

  /** Answers one DoPut call: the returned observer receives the client's messages. */
  static StreamObserver<InboundFlightData> handle(
      StreamObserver<Flight.PutResult> observer, DatasetStore store, BufferAllocator allocator) {
    ServerCallStreamObserver<Flight.PutResult> call =
        (ServerCallStreamObserver<Flight.PutResult>) observer;
    DoPutHandler receiver = new DoPutHandler(call, store, allocator);
    try {
      RequestHeaders headers = RequestHeaders.current();
      receiver.mode = headers == null ? PutMode.REPLACE : headers.putMode();
    } catch (IllegalArgumentException e) {
      receiver.fail(Statuses.invalid("DoPut: " + e.getMessage()));
    }
    return receiver;
  }

  private DoPutHandler(
      ServerCallStreamObserver<Flight.PutResult> call,
      DatasetStore store,
      BufferAllocator allocator) {
    this.call = call;
    this.store = store;
    this.allocator = allocator;
  }

  @Override
  public void onNext(InboundFlightData message) {
    try (message) {
      if (finished) {
        return;
      }
      if (message.error() != null) {
        throw named(message.error());
      }
      switch (message.headerType()) {
        case MessageHeader.Schema -> begin(message);
        case MessageHeader.DictionaryBatch -> loadDictionary(message);
        case MessageHeader.RecordBatch -> addBatch(message);
        case MessageHeader.NONE -> echo(echoOf(message.appMetadata()));
        default ->
            throw Statuses.invalid(what + ": unsupported IPC message type " + message.headerType());
      }
    } catch (Throwable t) {
      fail(t);
    }
  }

  /** The same status with this upload named in front of its description. */
  private FlightRuntimeException named(FlightRuntimeException e) {
    return e.status()
        .code()
        .toStatus()
        .withDescription(what + ": " + e.status().description())
        .toRuntimeException();
  }

  private void begin(InboundFlightData message) {
    if (session != null) {
      throw Statuses.invalid(what + ": a second schema message");
    }
    Flight.FlightDescriptor unrepresentable = message.unrepresentableDescriptor();
    if (unrepresentable != null) {
      throw Statuses.invalid(
          "DoPut: a descriptor of type "
              + (unrepresentable.getTypeValue() == 0
                  ? "UNKNOWN (0)"
                  : unrepresentable.getTypeValue())
              + " names no dataset: use a path descriptor");
    }
    DatasetPath path;
    try {
      path = DatasetPath.fromDescriptor(message.descriptor());
    } catch (IllegalArgumentException e) {
      throw Statuses.invalid("DoPut: " + e.getMessage());
    }
    what = "DoPut '" + path + "'";
    Map<Long, Dictionary> created = new HashMap<>();
    try {
      memorySchema = message.memorySchema(allocator, created);
    } finally {
      created.values().forEach(dictionaries::put);
    }
    session = store.beginWrite(path, mode, memorySchema);
  }

  /**
   * Applies a dictionary message as the IPC format says (a delta appends, any other replaces):
   * before the first batch to the dictionaries the session captures with it, after that as an
   * update the session keeps to replay in its place.
   */
  private void loadDictionary(InboundFlightData message) {
    requireSchema();
    try (ArrowDictionaryBatch batch = message.dictionaryBatch()) {
      long id = batch.getDictionaryId();
      ReceivedDictionaries.receive(
          what,
          batch,
          dictionaries,
          dictionaryLengthOf,
          allocator,
          (dictionary, data) -> {
            FieldVector current = dictionary.getVector();
            if (session.batchCount() == 0 && !batch.isDelta()) {
              ReceivedDictionaries.load(current, data);
            } else {
              try (FieldVector values = current.getField().createVector(allocator)) {
                ReceivedDictionaries.load(values, data);
                if (session.batchCount() == 0) {
                  VectorBatchAppender.batchAppend(current, values);
                } else {
                  // The values move to the session; this vector is left empty.
                  session.addDictionary(
                      new Dictionary(values, dictionary.getEncoding()), batch.isDelta());
                }
              }
            }
            long before = batch.isDelta() ? dictionaryLengths.getOrDefault(id, 0L) : 0;
            dictionaryLengths.put(id, before + data.getLength());
          });
    }
  }

  /** The length of a dictionary as of now (after replacements and deltas), -1 before it came. */
  private long dictionaryLength(long id) {
    return dictionaryLengths.getOrDefault(id, -1L);
  }

  private ArrowRecordBatch uncompressed(ArrowRecordBatch batch) {
    return ReceivedDictionaries.uncompressed(batch, allocator);
  }

  private void addBatch(InboundFlightData message) {
    requireSchema();
    // Built now: the message (and its app_metadata) is freed before the echo goes out.
    Flight.PutResult echo = echoOf(message.appMetadata());
    try (ArrowRecordBatch received = message.recordBatch()) {
      ArrowRecordBatch batch = uncompressed(received);
      try {
        BatchValidator.validate(memorySchema.getFields(), batch, dictionaryLengthOf);
      } catch (RuntimeException e) {
        if (batch != received) {
          batch.close();
        }
        throw e;
      }
      // Kept as it arrived (decompressed): no vectors, no copies. Dropping the in-flight
      // references moves the memory to the upload's account.
      session.addReceived(
          batch,
          dictionaries,
          message.appMetadata(),
          () -> {
            if (batch != received) {
              batch.close();
            }
            received.close();
            message.close();
          });
    }
    session.checkMemoryLimit();
    echo(echo);
  }

  private void requireSchema() {
    if (session == null) {
      throw Statuses.invalid(what + ": a batch before the schema message");
    }
  }

  /** The PutResult echoing a message's app_metadata, or null when it carried none. */
  static Flight.PutResult echoOf(ArrowBuf metadata) {
    if (metadata == null || metadata.readableBytes() == 0) {
      return null;
    }
    return Flight.PutResult.newBuilder()
        .setAppMetadata(
            ByteString.copyFrom(
                metadata.nioBuffer(metadata.readerIndex(), (int) metadata.readableBytes())))
        .build();
  }

  private void echo(Flight.PutResult echo) {
    if (echo != null) {
      call.onNext(echo);
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
    try {
      if (session == null) {
        throw Statuses.invalid("DoPut: the stream ended before its schema message");
      }
      var info = session.commit(dictionaries);
      log.debug(
          "Stored '{}' v{} ({}): {} rows in {} batches",
          info.path(),
          info.version(),
          mode.wireName(),
          info.rowCount(),
          info.batchCount());
      release();
      call.onCompleted();
    } catch (Throwable t) {
      fail(t);
    }
  }

  private void fail(Throwable t) {
    if (finished) {
      return;
    }
    FlightRuntimeException status = Statuses.toFlight(t, what);
    log.debug("{} failed: {}", what, status.getMessage());
    release();
    call.onError(StatusUtils.toGrpcException(status));
  }

  private void release() {
    if (finished) {
      return;
    }
    finished = true;
    List<AutoCloseable> all = new ArrayList<>();
    if (session != null) {
      all.add(session);
    }
    for (long id : dictionaries.getDictionaryIds()) {
      all.add(dictionaries.lookup(id).getVector());
    }
    try {
      AutoCloseables.close(all);
    } catch (Exception e) {
      log.warn("{}: could not free the upload: {}", what, e.toString());
    }
  }
}
