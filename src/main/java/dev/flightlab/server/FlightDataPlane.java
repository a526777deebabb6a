package dev.flightlab.server;

import com.google.protobuf.ByteString;
import dev.flightlab.data.Batches;
import dev.flightlab.store.Dataset;
import dev.flightlab.store.DatasetStore;
import dev.flightlab.store.StoredBatch;
import dev.flightlab.store.WriteSession;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.FlightMethods;
import dev.flightlab.wire.InboundFlightData;
import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.OutboundFlightData;
import dev.flightlab.wire.PutMode;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.grpc.ServerInterceptorAdapter;
import org.apache.arrow.flight.grpc.StatusUtils;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.flight.impl.FlightServiceGrpc;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.DictionaryUtility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * flightlab's own DoGet and DoPut, under Arrow Java's Flight API: the same wire format, fewer
 * copies and no threads parked per stream.
 *
 * <p>DoGet sends each stored batch with its IPC header encoded once at upload, its buffers handed
 * to gRPC in place, driven by gRPC's onReady callbacks (no thread waits for a slow reader). DoPut
 * reads each message's body straight from gRPC's network buffers into direct memory (Arrow Java
 * copies it through a heap array of the body's size first) and hands batches to the store's {@link
 * WriteSession}. Every other RPC is Arrow's, answered by {@link DatasetProducer}.
 */
final class FlightDataPlane {
  private static final Logger log = LoggerFactory.getLogger(FlightDataPlane.class);
  private static final Set<String> OWN_METHODS =
      Set.of(
          FlightServiceGrpc.getDoGetMethod().getFullMethodName(),
          FlightServiceGrpc.getDoPutMethod().getFullMethodName());

  private final BufferAllocator allocator;
  private final DatasetStore store;

  private static final io.grpc.Metadata.Key<String> COMPRESSION_HEADER =
      io.grpc.Metadata.Key.of(
          dev.flightlab.wire.FlightHeaders.COMPRESSION, io.grpc.Metadata.ASCII_STRING_MARSHALLER);

  /**
   * Runs this class's DoGet and DoPut callbacks on the Netty thread that read the message: they
   * never block (DoGet waits for onReady callbacks, DoPut only files batches), so a hand-off to
   * another thread per message would buy nothing but a wake-up. A compressed DoGet, and every other
   * RPC (Arrow's handlers may block), run on {@code blockingExecutor}.
   *
   * <p>The server's own executor is the direct one, so that gRPC looks the method up (which is
   * where it asks this supplier) on the network thread too: with a thread pool there, every call
   * began with a hop to a pool thread and a wake-up back, before the first byte of its data was
   * read.
   */
  static <ReqT, RespT> java.util.concurrent.Executor executorFor(
      io.grpc.ServerCall<ReqT, RespT> call,
      io.grpc.Metadata headers,
      java.util.concurrent.Executor blockingExecutor) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (method.equals(FlightServiceGrpc.getDoPutMethod().getFullMethodName())
        || (method.equals(FlightServiceGrpc.getDoGetMethod().getFullMethodName())
            && headers.get(COMPRESSION_HEADER) == null)) {
      return com.google.common.util.concurrent.MoreExecutors.directExecutor();
    }
    return blockingExecutor;
  }

  FlightDataPlane(BufferAllocator allocator, DatasetStore store) {
    this.allocator = allocator;
    this.store = store;
  }

  /**
   * Arrow's Flight service definition with DoGet and DoPut replaced by this class's; registered
   * after Arrow's own, it takes its place (gRPC keeps the last service of a name).
   */
  ServerServiceDefinition bind(BindableService arrowService) {
    ServerServiceDefinition base = arrowService.bindService();
    MethodDescriptor<Flight.Ticket, OutboundFlightData> doGet = FlightMethods.serverDoGet();
    MethodDescriptor<InboundFlightData, Flight.PutResult> doPut =
        FlightMethods.serverDoPut(allocator);
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(base.getServiceDescriptor().getName())
            .setSchemaDescriptor(base.getServiceDescriptor().getSchemaDescriptor())
            .addMethod(doGet)
            .addMethod(doPut);
    for (MethodDescriptor<?, ?> m : base.getServiceDescriptor().getMethods()) {
      if (!OWN_METHODS.contains(m.getFullMethodName())) {
        descriptor.addMethod(m);
      }
    }
    ServerServiceDefinition.Builder service =
        ServerServiceDefinition.builder(descriptor.build())
            .addMethod(doGet, ServerCalls.asyncServerStreamingCall(this::doGet))
            .addMethod(doPut, ServerCalls.asyncBidiStreamingCall(this::doPut));
    for (ServerMethodDefinition<?, ?> m : base.getMethods()) {
      if (!OWN_METHODS.contains(m.getMethodDescriptor().getFullMethodName())) {
        service.addMethod(m);
      }
    }
    return service.build();
  }

  private void doGet(Flight.Ticket request, StreamObserver<OutboundFlightData> observer) {
    ServerCallStreamObserver<OutboundFlightData> call =
        (ServerCallStreamObserver<OutboundFlightData>) observer;
    DatasetPath path;
    try {
      path = DatasetPath.fromTicket(new Ticket(request.getTicket().toByteArray()));
    } catch (IllegalArgumentException e) {
      call.onError(StatusUtils.toGrpcException(Statuses.invalid("DoGet: " + e.getMessage())));
      return;
    }
    Dataset dataset;
    try {
      dataset = store.snapshot(path);
    } catch (RuntimeException e) {
      call.onError(StatusUtils.toGrpcException(Statuses.toFlight(e, "DoGet '" + path + "'")));
      return;
    }
    IpcCompression compression;
    try {
      RequestHeaders headers = requestHeaders();
      compression = headers == null ? IpcCompression.NONE : headers.compression();
    } catch (IllegalArgumentException e) {
      dataset.close();
      call.onError(StatusUtils.toGrpcException(Statuses.invalid("DoGet: " + e.getMessage())));
      return;
    }
    new GetPump(call, dataset, compression.enabled() ? compression.newCodec() : null, allocator)
        .start();
  }

  /** Streams one snapshot: as many batches as gRPC will take each time it says it is ready. */
  private static final class GetPump implements Runnable {
    private final ServerCallStreamObserver<OutboundFlightData> call;
    private final Dataset dataset;
    private final List<StoredBatch> batches;
    private final CompressionCodec codec;
    private final VectorSchemaRoot root;
    private final VectorLoader loader;
    private int next;
    private boolean finished;

    /**
     * A pump for {@code dataset}; with a {@code codec}, each batch is compressed on its way out
     * (through a root of the pump's own in {@code allocator}).
     */
    GetPump(
        ServerCallStreamObserver<OutboundFlightData> call,
        Dataset dataset,
        CompressionCodec codec,
        BufferAllocator allocator) {
      this.call = call;
      this.dataset = dataset;
      this.batches = dataset.batches();
      this.codec = codec;
      this.root = codec == null ? null : VectorSchemaRoot.create(dataset.memorySchema(), allocator);
      this.loader = root == null ? null : new VectorLoader(root);
    }

    private OutboundFlightData message(StoredBatch b) {
      if (codec == null) {
        return OutboundFlightData.preEncoded(b.ipcHeader(), b.batch(), b.appMetadata());
      }
      loader.load(b.batch());
      try (ArrowRecordBatch compressed =
          new VectorUnloader(root, true, codec, true).getRecordBatch()) {
        return OutboundFlightData.recordBatch(compressed, b.appMetadata(), IpcOption.DEFAULT);
      }
    }

    void start() {
      call.setOnCancelHandler(
          () -> {
            log.debug("DoGet '{}' cancelled by the client", dataset.path());
            finish();
          });
      call.setOnReadyHandler(this);
      try {
        call.onNext(OutboundFlightData.schema(null, dataset.schema(), IpcOption.DEFAULT));
        sendDictionaries();
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      run();
    }

    private void sendDictionaries() {
      DictionaryProvider dictionaries = dataset.dictionaries();
      for (long id : dictionaries.getDictionaryIds()) {
        call.onNext(OutboundFlightData.dictionary(dictionaries.lookup(id)));
      }
    }

    /** Called by gRPC whenever the stream can take more (serialised with the other callbacks). */
    @Override
    public void run() {
      if (finished) {
        return;
      }
      try {
        while (next < batches.size() && call.isReady() && !call.isCancelled()) {
          StoredBatch b = batches.get(next++);
          call.onNext(message(b));
        }
        if (next == batches.size() && !finished) {
          // Release the snapshot before the client can see the end: gRPC holds its own
          // references to what it has not sent, and a server closing right after the client's
          // last read must find no reader left.
          finish();
          call.onCompleted();
        }
      } catch (RuntimeException e) {
        fail(e);
      }
    }

    private void fail(RuntimeException e) {
      if (finished) {
        return;
      }
      finish();
      if (!call.isCancelled()) {
        call.onError(
            StatusUtils.toGrpcException(Statuses.toFlight(e, "DoGet '" + dataset.path() + "'")));
      }
    }

    private void finish() {
      if (!finished) {
        finished = true;
        if (root != null) {
          root.close();
        }
        dataset.close();
      }
    }
  }

  private StreamObserver<InboundFlightData> doPut(StreamObserver<Flight.PutResult> observer) {
    ServerCallStreamObserver<Flight.PutResult> call =
        (ServerCallStreamObserver<Flight.PutResult>) observer;
    PutReceiver receiver = new PutReceiver(call);
    try {
      receiver.mode = putMode();
    } catch (IllegalArgumentException e) {
      receiver.fail(Statuses.invalid("DoPut: " + e.getMessage()));
    }
    return receiver;
  }

  private static PutMode putMode() {
    RequestHeaders headers = requestHeaders();
    return headers == null ? PutMode.REPLACE : headers.putMode();
  }

  /** The call's flightlab headers, read by the middleware; null outside a call. */
  private static RequestHeaders requestHeaders() {
    Map<FlightServerMiddleware.Key<?>, FlightServerMiddleware> middleware =
        ServerInterceptorAdapter.SERVER_MIDDLEWARE_KEY.get();
    if (middleware == null) {
      return null;
    }
    return middleware.get(RequestHeaders.KEY) instanceof RequestHeaders h ? h : null;
  }

  /**
   * One upload: schema, dictionaries, then batches into a write session; commit on the client's
   * half-close, abort on any failure or cancellation.
   */
  private final class PutReceiver implements StreamObserver<InboundFlightData> {
    private final ServerCallStreamObserver<Flight.PutResult> call;
    private PutMode mode = PutMode.REPLACE;
    private final DictionaryProvider.MapDictionaryProvider dictionaries =
        new DictionaryProvider.MapDictionaryProvider();
    private WriteSession session;
    private VectorSchemaRoot root;
    private VectorLoader loader;
    private boolean finished;
    private String what = "DoPut";

    PutReceiver(ServerCallStreamObserver<Flight.PutResult> call) {
      this.call = call;
    }

    @Override
    public void onNext(InboundFlightData message) {
      try (message) {
        if (finished) {
          return;
        }
        switch (message.headerType()) {
          case MessageHeader.Schema -> begin(message);
          case MessageHeader.DictionaryBatch -> loadDictionary(message);
          case MessageHeader.RecordBatch -> addBatch(message);
          case MessageHeader.NONE -> ack(message.appMetadata());
          default ->
              throw Statuses.invalid(
                  what + ": unsupported IPC message type " + message.headerType());
        }
      } catch (Throwable t) {
        fail(t);
      }
    }

    private void begin(InboundFlightData message) {
      if (session != null) {
        throw Statuses.invalid(what + ": a second schema message");
      }
      DatasetPath path;
      try {
        path = DatasetPath.fromDescriptor(message.descriptor());
      } catch (IllegalArgumentException e) {
        throw Statuses.invalid("DoPut: " + e.getMessage());
      }
      what = "DoPut '" + path + "'";
      Schema schema = message.schema();
      Map<Long, Dictionary> created = new HashMap<>();
      List<Field> fields = new ArrayList<>();
      for (Field f : schema.getFields()) {
        fields.add(DictionaryUtility.toMemoryFormat(f, allocator, created));
      }
      created.values().forEach(dictionaries::put);
      Schema memorySchema = new Schema(fields, schema.getCustomMetadata());
      root = VectorSchemaRoot.create(memorySchema, allocator);
      loader = new VectorLoader(root, CommonsCompressionFactory.INSTANCE);
      session = store.beginWrite(path, mode, memorySchema);
    }

    private void loadDictionary(InboundFlightData message) {
      requireSchema();
      try (ArrowDictionaryBatch batch = message.dictionaryBatch()) {
        if (batch.isDelta()) {
          throw Statuses.invalid(what + ": dictionary deltas are not supported");
        }
        Dictionary dictionary = dictionaries.lookup(batch.getDictionaryId());
        if (dictionary == null) {
          throw Statuses.invalid(
              what + ": dictionary " + batch.getDictionaryId() + " is not in the schema");
        }
        FieldVector vector = dictionary.getVector();
        VectorSchemaRoot one = new VectorSchemaRoot(List.of(vector.getField()), List.of(vector), 0);
        new VectorLoader(one, CommonsCompressionFactory.INSTANCE).load(batch.getDictionary());
      }
    }

    private void addBatch(InboundFlightData message) {
      requireSchema();
      // Built now: the message (and its app_metadata) may be freed before the ack goes out.
      Flight.PutResult ack = ackFor(message.appMetadata());
      boolean stored = false;
      try (ArrowRecordBatch batch = message.recordBatch()) {
        if (Batches.fitsSchema(batch, root.getSchema())) {
          // Kept as it arrived: no vectors, no copies.
          session.addReceived(batch, dictionaries, message.appMetadata());
          stored = true;
        } else {
          // Loading checks the rest against the schema and decompresses a compressed body.
          loader.load(batch);
        }
      } catch (IllegalArgumentException e) {
        throw Statuses.invalid(what + ": batch does not match the schema: " + e.getMessage());
      }
      if (stored) {
        // Dropping the message's references moves the batch's memory to the upload's account.
        message.close();
        session.checkMemoryLimit();
      } else {
        session.add(root, dictionaries, message.appMetadata());
      }
      call.onNext(ack);
    }

    private void requireSchema() {
      if (session == null) {
        throw Statuses.invalid(what + ": a batch before the schema message");
      }
    }

    /** Acknowledges a message, echoing its app_metadata. */
    private void ack(ArrowBuf metadata) {
      call.onNext(ackFor(metadata));
    }

    /** The ack of one held batch: its app_metadata echoed. */
    private Flight.PutResult ackFor(ArrowBuf metadata) {
      Flight.PutResult.Builder result = Flight.PutResult.newBuilder();
      if (metadata != null && metadata.readableBytes() > 0) {
        result.setAppMetadata(
            ByteString.copyFrom(
                metadata.nioBuffer(metadata.readerIndex(), (int) metadata.readableBytes())));
      }
      return result.build();
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
      if (root != null) {
        all.add(root);
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
}
