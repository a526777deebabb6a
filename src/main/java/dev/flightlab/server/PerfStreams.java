package dev.flightlab.server;

import dev.flightlab.store.DatasetStore;
import dev.flightlab.wire.InboundFlightData;
import dev.flightlab.wire.OutboundFlightData;
import dev.flightlab.wire.PerfProtocol;
import dev.flightlab.wire.PerfProtocol.Perf;
import dev.flightlab.wire.PerfProtocol.Token;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.grpc.StatusUtils;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Arrow's Flight benchmark protocol served ({@link PerfProtocol}): FlightInfo for a Perf command,
 * DoGet of a Token generating its rows, DoPut to a Perf descriptor read and discarded; nothing
 * touches the store.
 */
final class PerfStreams {
  private static final Logger log = LoggerFactory.getLogger(PerfStreams.class);

  private PerfStreams() {}

  /**
   * The plan of a Perf command: one endpoint per stream, each a Token ticket, as Arrow's server.
   */
  static FlightInfo flightInfo(Perf perf, FlightDescriptor descriptor, Location[] where) {
    List<FlightEndpoint> endpoints = new ArrayList<>(perf.streamCount());
    for (int i = 0; i < perf.streamCount(); i++) {
      Token token = new Token(perf, i * perf.recordsPerStream(), (i + 1) * perf.recordsPerStream());
      endpoints.add(new FlightEndpoint(token.toTicket(), where));
    }
    return new FlightInfo(PerfProtocol.SCHEMA, descriptor, endpoints, -1, perf.totalRecords());
  }

  /** Whether a DoGet ticket is a Token rather than a dataset's ticket. */
  static boolean isToken(Flight.Ticket ticket) {
    return PerfProtocol.looksLikeToken(ticket.getTicket().toByteArray());
  }

  /**
   * Streams a Token's rows: one batch of {@code records_per_batch} rows is built once and sent
   * again and again (a shorter last one built too), as Arrow's perf server does; column a of the
   * first batch counts from the token's start.
   */
  static void doGet(
      Flight.Ticket request,
      StreamObserver<OutboundFlightData> observer,
      BufferAllocator allocator) {
    ServerCallStreamObserver<OutboundFlightData> call =
        (ServerCallStreamObserver<OutboundFlightData>) observer;
    Token token;
    try {
      token = Token.parse(request.getTicket().toByteArray());
    } catch (IllegalArgumentException e) {
      call.onError(StatusUtils.toGrpcException(Statuses.invalid("DoGet: " + e.getMessage())));
      return;
    }
    try {
      new Generated(call, token, allocator).start();
    } catch (RuntimeException e) {
      call.onError(StatusUtils.toGrpcException(Statuses.toFlight(e, "DoGet (Perf token)")));
    }
  }

  private static final class Generated implements Runnable {
    private final ServerCallStreamObserver<OutboundFlightData> call;
    private final long total;
    private final int batchRows;
    private final ArrowRecordBatch full;
    private final ByteBuffer fullHeader;
    private final ArrowRecordBatch last;
    private long sent;
    private boolean finished;

    Generated(ServerCallStreamObserver<OutboundFlightData> call, Token token, BufferAllocator a) {
      this.call = call;
      this.total = token.records();
      this.batchRows = (int) Math.max(1, Math.min(token.definition().recordsPerBatch(), total));
      try (VectorSchemaRoot root = VectorSchemaRoot.create(PerfProtocol.SCHEMA, a)) {
        fill(root, token.start(), Math.max(batchRows, 0));
        this.full = new VectorUnloader(root).getRecordBatch();
      }
      int lastRows = (int) (total % batchRows);
      try (VectorSchemaRoot root = VectorSchemaRoot.create(PerfProtocol.SCHEMA, a)) {
        fill(root, token.start() + total - lastRows, lastRows);
        this.last = lastRows == 0 ? null : new VectorUnloader(root).getRecordBatch();
      }
      this.fullHeader = MessageSerializer.serializeMetadata(full, IpcOption.DEFAULT);
    }

    private static void fill(VectorSchemaRoot root, long start, int rows) {
      long x = start * 0x9E3779B97F4A7C15L;
      for (int c = 0; c < 4; c++) {
        BigIntVector v = (BigIntVector) root.getVector(c);
        v.allocateNew(rows);
        for (int i = 0; i < rows; i++) {
          x += 0x9E3779B97F4A7C15L;
          v.set(i, c == 0 ? start + i : x ^ (x >>> 31));
        }
        v.setValueCount(rows);
      }
      root.setRowCount(rows);
    }

    void start() {
      call.setOnCancelHandler(this::finish);
      call.setOnReadyHandler(this);
      call.onNext(OutboundFlightData.schema(null, PerfProtocol.SCHEMA, IpcOption.DEFAULT));
      run();
    }

    @Override
    public void run() {
      if (finished) {
        return;
      }
      try {
        while (sent < total && call.isReady() && !call.isCancelled()) {
          long rows = Math.min(batchRows, total - sent);
          if (rows == batchRows) {
            // gRPC takes its own references to the buffers; ours stay until finish().
            call.onNext(OutboundFlightData.preEncoded(fullHeader, full, null));
          } else {
            call.onNext(OutboundFlightData.recordBatch(last, null, IpcOption.DEFAULT));
          }
          sent += rows;
        }
        if (sent >= total && !finished) {
          finish();
          call.onCompleted();
        }
      } catch (RuntimeException e) {
        finish();
        if (!call.isCancelled()) {
          call.onError(StatusUtils.toGrpcException(Statuses.toFlight(e, "DoGet (Perf token)")));
        }
      }
    }

    private void finish() {
      if (!finished) {
        finished = true;
        full.close();
        if (last != null) {
          last.close();
        }
      }
    }
  }

  /**
   * A DoPut that reads a benchmark upload ({@link PerfProtocol#isBenchmarkUpload}) and keeps
   * nothing, echoing any app_metadata as Arrow's perf server does; any other upload goes to {@link
   * DoPutHandler}, unchanged.
   */
  static StreamObserver<InboundFlightData> doPut(
      StreamObserver<Flight.PutResult> observer, DatasetStore store, BufferAllocator allocator) {
    StreamObserver<InboundFlightData> stored = DoPutHandler.handle(observer, store, allocator);
    return new StreamObserver<>() {
      private Boolean perf;
      private boolean failed;
      private long rows;

      @Override
      public void onNext(InboundFlightData message) {
        if (perf == null) {
          perf = PerfProtocol.isBenchmarkUpload(message);
        }
        if (!perf) {
          stored.onNext(message);
          return;
        }
        try (message) {
          if (failed) {
            return;
          }
          if (message.error() != null) {
            throw message.error();
          }
          if (message.headerType() == MessageHeader.RecordBatch) {
            try (ArrowRecordBatch batch = message.recordBatch()) {
              rows += batch.getLength();
            }
          }
          Flight.PutResult echo = DoPutHandler.echoOf(message.appMetadata());
          if (echo != null) {
            observer.onNext(echo);
          }
        } catch (RuntimeException e) {
          // Never into gRPC (UNKNOWN): the client hears the status; the rest is read and dropped.
          failed = true;
          observer.onError(
              StatusUtils.toGrpcException(Statuses.toFlight(e, "DoPut (Arrow benchmark upload)")));
        }
      }

      @Override
      public void onError(Throwable t) {
        if (perf == null || !perf) {
          stored.onError(t);
        }
      }

      @Override
      public void onCompleted() {
        if (perf == null || !perf) {
          stored.onCompleted();
          return;
        }
        if (failed) {
          return;
        }
        log.debug("DoPut (Arrow benchmark upload): {} rows read and discarded", rows);
        observer.onCompleted();
      }
    };
  }
}
