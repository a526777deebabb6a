package dev.flightlab.client;

import dev.flightlab.data.IpcSchemas;
import dev.flightlab.wire.InboundFlightData;
import dev.flightlab.wire.IpcCompression;
import io.grpc.Status;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.grpc.StatusUtils;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Everything a FlightInfo describes as one {@link ArrowReader}, batch by batch as the caller asks:
 * each endpoint's ticket redeemed at its locations ({@link FlightLabClient#locationsOf}), in
 * endpoint order, through flightlab's own DoGet reader.
 *
 * <p>Dictionary messages are applied as the IPC format says: a delta appends to the dictionary, any
 * other one replaces it; {@link #lookup} gives each dictionary as it stands for the batch just
 * loaded. Compressed batches are decompressed as they are loaded.
 *
 * <p>With a parallelism of 1, one endpoint is open at a time and gRPC's flow control holds the
 * server back while the caller is busy: closing the reader early (a preview that has its rows)
 * cancels the call being read and never opens the endpoints after it. With N above 1, up to N
 * endpoints are open at once: the one being read and those after it, which are read ahead into
 * memory as fast as their servers send.
 *
 * <p>One reader thread at a time. Closing it cancels the open calls and frees what they held.
 */
public final class FlightInfoReader extends ArrowReader {
  private final FlightLabClient client;
  private final List<FlightEndpoint> endpoints;
  private final int parallelism;
  private final IpcCompression compression;
  // The endpoint being read first, then those opened ahead of it, in endpoint order.
  private final Deque<Part> open = new ArrayDeque<>();
  private int nextToOpen;
  private Schema schema;
  private final IpcSchemas.TrueTypedRoot trueRoot = new IpcSchemas.TrueTypedRoot();
  private long bodyBytes;
  private boolean closed;

  FlightInfoReader(
      FlightLabClient client, FlightInfo info, int parallelism, IpcCompression compression) {
    super(client.allocator(), CommonsCompressionFactory.INSTANCE);
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
    }
    if (info.getEndpoints().isEmpty()) {
      throw Endpoints.noEndpoints();
    }
    this.client = client;
    this.endpoints = info.getEndpoints();
    this.parallelism = parallelism;
    this.compression = compression;
  }

  /** One endpoint's DoGet, at one of its locations. */
  private final class Part {
    final int index;
    final FlightEndpoint endpoint;
    final List<URI> locations;
    int attempt;
    Downloader download;
    boolean schemaSeen;
    // Once a batch of this endpoint went to the caller, another location cannot take over.
    boolean batchesRead;

    Part(int index) {
      this.index = index;
      this.endpoint = endpoints.get(index);
      this.locations = client.locationsOf(endpoint);
      start();
    }

    URI location() {
      return locations.get(attempt);
    }

    /** Opens the call at the current location, or the next one that can be connected to. */
    void start() {
      while (true) {
        try {
          download =
              Downloader.open(
                  client.at(location()).connection(),
                  endpoint.getTicket(),
                  compression,
                  parallelism > 1);
          return;
        } catch (IllegalArgumentException e) {
          if (attempt + 1 == locations.size()) {
            throw CallStatus.INVALID_ARGUMENT
                .withDescription(
                    Endpoints.name(client, endpoint, index, endpoints.size(), location())
                        + ": cannot connect there: "
                        + e.getMessage())
                .toRuntimeException();
          }
          attempt++;
        }
      }
    }

    /** The next message, owned by the caller; null at the end of the endpoint's stream. */
    InboundFlightData next() throws IOException {
      while (true) {
        try {
          return download.next();
        } catch (FlightRuntimeException e) {
          if (e.status().code() == FlightStatusCode.UNAVAILABLE
              && !batchesRead
              && attempt + 1 < locations.size()) {
            download.close();
            attempt++;
            schemaSeen = false;
            start();
            continue;
          }
          throw Endpoints.named(e, client, endpoint, index, endpoints.size(), location());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw CallStatus.CANCELLED.withDescription("download interrupted").toRuntimeException();
        }
      }
    }

    /** Fails now if this endpoint, read ahead, failed for a reason another location cannot fix. */
    void checkAhead() {
      Status failed = download.failure();
      if (failed != null
          && (failed.getCode() != Status.Code.UNAVAILABLE || attempt + 1 == locations.size())) {
        throw Endpoints.named(
            StatusUtils.fromGrpcStatus(failed).toRuntimeException(),
            client,
            endpoint,
            index,
            endpoints.size(),
            location());
      }
    }
  }

  /** Opens endpoints until {@code parallelism} are open or none is left. */
  private void openMore() {
    while (open.size() < parallelism && nextToOpen < endpoints.size()) {
      open.addLast(new Part(nextToOpen++));
    }
  }

  @Override
  protected Schema readSchema() throws IOException {
    openMore();
    Part first = open.peekFirst();
    try (InboundFlightData message = first.next()) {
      if (message == null || message.headerType() != MessageHeader.Schema) {
        throw protocolError(
            first, message == null ? "ended before its schema" : "began without a schema");
      }
      first.schemaSeen = true;
      schema = message.schema();
      // Arrow's reader makes the vectors: stand-ins where it has none (IpcSchemas).
      return IpcSchemas.forVectors(schema);
    }
  }

  /**
   * Dictionaries whose values hold stand-ins get marked vectors (Arrow's reader drops the mark).
   */
  @Override
  protected void initialize() throws IOException {
    super.initialize();
    dictionaries = IpcSchemas.withStandInDictionaries(schema, dictionaries, allocator);
  }

  /** The root, with the true types in its schema where its vectors are stand-ins. */
  @Override
  public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
    return trueRoot.of(super.getVectorSchemaRoot());
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    prepareLoadNextBatch();
    while (true) {
      Part part = open.peekFirst();
      if (part == null) {
        if (nextToOpen == endpoints.size()) {
          trueRoot.sync(super.getVectorSchemaRoot());
          return false;
        }
        openMore();
        continue;
      }
      for (Part ahead : open) {
        if (ahead != part) {
          ahead.checkAhead();
        }
      }
      InboundFlightData message = part.next();
      if (message == null) {
        if (!part.schemaSeen) {
          throw protocolError(part, "ended before its schema");
        }
        open.removeFirst().download.close();
        openMore();
        continue;
      }
      try (message) {
        switch (message.headerType()) {
          case MessageHeader.Schema -> {
            if (part.schemaSeen) {
              throw protocolError(part, "sent a second schema");
            }
            if (!message.schema().equals(schema)) {
              throw protocolError(
                  part,
                  "has another schema than the first endpoint's: "
                      + message.schema()
                      + " instead of "
                      + schema);
            }
            part.schemaSeen = true;
          }
          case MessageHeader.DictionaryBatch -> {
            requireSchema(part);
            try (ArrowDictionaryBatch batch = message.dictionaryBatch()) {
              loadDictionary(batch);
            } catch (IllegalArgumentException e) {
              throw protocolError(part, e.getMessage());
            }
          }
          case MessageHeader.RecordBatch -> {
            requireSchema(part);
            bodyBytes += message.bodyBytes();
            ArrowRecordBatch batch = message.recordBatch();
            // loadRecordBatch closes the batch; the root holds its own references to the buffers.
            loadRecordBatch(batch);
            trueRoot.sync(super.getVectorSchemaRoot());
            part.batchesRead = true;
            return true;
          }
          default -> {}
        }
      }
    }
  }

  private void requireSchema(Part part) {
    if (!part.schemaSeen) {
      throw protocolError(part, "sent a batch before its schema");
    }
  }

  private FlightRuntimeException protocolError(Part part, String what) {
    String name =
        Endpoints.name(client, part.endpoint, part.index, endpoints.size(), part.location());
    return CallStatus.INTERNAL
        .withDescription((name.isEmpty() ? "DoGet" : name) + ": the stream " + what)
        .toRuntimeException();
  }

  /** IPC body bytes received so far (compressed bodies as they came). */
  @Override
  public long bytesRead() {
    return bodyBytes;
  }

  /** Endpoints whose DoGet has been started so far (a preview that stops early opens few). */
  public int endpointsOpened() {
    return nextToOpen;
  }

  @Override
  protected void closeReadSource() {
    if (closed) {
      return;
    }
    closed = true;
    // Cancels the calls still running and frees the messages they had queued.
    open.forEach(p -> p.download.close());
    open.clear();
  }
}
