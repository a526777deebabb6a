package dev.flightlab.server;

import dev.flightlab.data.IpcSchemas;
import dev.flightlab.store.Dataset;
import dev.flightlab.store.DatasetStore;
import dev.flightlab.store.StoredBatch;
import dev.flightlab.store.StoredDictionary;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.DatasetTicket;
import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.OutboundFlightData;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.grpc.StatusUtils;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * flightlab's DoGet: streams a snapshot of the dataset a ticket names, each stored batch with the
 * IPC header encoded once at upload and its buffers handed to gRPC in place.
 *
 * <p>Driven by gRPC's onReady callbacks (serialised with the call's other callbacks): as many
 * batches as gRPC will take each time it is ready, so no thread waits for a slow reader. With the
 * {@code flightlab-compression} header each batch is compressed on its way out.
 */
final class DoGetHandler implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(DoGetHandler.class);

  private final ServerCallStreamObserver<OutboundFlightData> call;
  private final Dataset dataset;
  private final List<StoredBatch> batches;
  private final CompressionCodec codec;
  private final VectorSchemaRoot root;
  private final VectorLoader loader;
  private final DoGetCounters counters;
  private int next;
  private boolean finished;

  /** Answers one DoGet call: streams the snapshot its ticket names, or fails the call. */
  static void handle(
      Flight.Ticket request,
      StreamObserver<OutboundFlightData> observer,
      DatasetStore store,
      BufferAllocator allocator,
      DoGetCounters counters) {
    ServerCallStreamObserver<OutboundFlightData> call =
        (ServerCallStreamObserver<OutboundFlightData>) observer;
    DatasetTicket ticket;
    try {
      ticket = DatasetTicket.fromTicket(new Ticket(request.getTicket().toByteArray()));
    } catch (IllegalArgumentException e) {
      call.onError(StatusUtils.toGrpcException(Statuses.invalid("DoGet: " + e.getMessage())));
      return;
    }
    DatasetPath path = ticket.path();
    Dataset dataset;
    try {
      dataset = store.snapshot(path);
    } catch (RuntimeException e) {
      call.onError(StatusUtils.toGrpcException(Statuses.toFlight(e, "DoGet '" + path + "'")));
      return;
    }
    List<StoredBatch> range;
    try {
      range = batchesOf(dataset, ticket);
    } catch (RuntimeException e) {
      dataset.close();
      call.onError(StatusUtils.toGrpcException(Statuses.toFlight(e, "DoGet '" + path + "'")));
      return;
    }
    IpcCompression compression;
    try {
      RequestHeaders headers = RequestHeaders.current();
      compression = headers == null ? IpcCompression.NONE : headers.compression();
    } catch (IllegalArgumentException e) {
      dataset.close();
      call.onError(StatusUtils.toGrpcException(Statuses.invalid("DoGet: " + e.getMessage())));
      return;
    }
    counters.calls.increment();
    new DoGetHandler(
            call,
            dataset,
            range,
            compression.enabled() ? compression.newCodec() : null,
            allocator,
            counters)
        .start();
  }

  /** The batches a ticket names: all of them, or its range of the version it was issued for. */
  private static List<StoredBatch> batchesOf(Dataset dataset, DatasetTicket ticket) {
    List<StoredBatch> all = dataset.batches();
    if (ticket.isWhole()) {
      return all;
    }
    if (dataset.version() != ticket.version()) {
      throw CallStatus.NOT_FOUND
          .withDescription(
              "version "
                  + ticket.version()
                  + " of '"
                  + ticket.path()
                  + "' is gone (now version "
                  + dataset.version()
                  + "): get its FlightInfo again")
          .toRuntimeException();
    }
    if (ticket.endBatch() > all.size()) {
      throw Statuses.invalid(
          "ticket names batches "
              + ticket.firstBatch()
              + ".."
              + ticket.endBatch()
              + " of a dataset of "
              + all.size());
    }
    return all.subList(ticket.firstBatch(), ticket.endBatch());
  }

  /**
   * A handler for {@code dataset}; with a {@code codec}, each batch is compressed on its way out
   * (through a root of the handler's own in {@code allocator}).
   */
  private DoGetHandler(
      ServerCallStreamObserver<OutboundFlightData> call,
      Dataset dataset,
      List<StoredBatch> batches,
      CompressionCodec codec,
      BufferAllocator allocator,
      DoGetCounters counters) {
    this.call = call;
    this.counters = counters;
    this.dataset = dataset;
    this.batches = batches;
    this.codec = codec;
    this.root = codec == null ? null : IpcSchemas.createRoot(dataset.memorySchema(), allocator);
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

  private void start() {
    call.setOnCancelHandler(
        () -> {
          log.debug("DoGet '{}' cancelled by the client", dataset.path());
          if (!finished) {
            counters.cancelled.increment();
          }
          finish();
        });
    call.setOnReadyHandler(this);
    try {
      call.onNext(OutboundFlightData.schema(null, dataset.schema(), IpcOption.DEFAULT));
      DictionaryProvider dictionaries = dataset.dictionaries();
      for (long id : dictionaries.getDictionaryIds()) {
        call.onNext(OutboundFlightData.dictionary(dictionaries.lookup(id)));
      }
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    run();
  }

  /** Called by gRPC whenever the stream can take more (serialised with the other callbacks). */
  @Override
  public void run() {
    if (finished) {
      return;
    }
    try {
      while (next < batches.size() && call.isReady() && !call.isCancelled()) {
        for (StoredDictionary d : dataset.dictionariesBefore(next)) {
          call.onNext(OutboundFlightData.dictionary(d.dictionary(), d.delta()));
        }
        StoredBatch b = batches.get(next++);
        call.onNext(message(b));
        counters.batchesSent.increment();
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
