package dev.flightlab.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flightlab.data.RecordBatches;
import dev.flightlab.jvm.JvmTimes;
import dev.flightlab.jvm.MemorySizes;
import dev.flightlab.memory.Allocators;
import dev.flightlab.store.DatasetInfo;
import dev.flightlab.store.DatasetStore;
import dev.flightlab.store.StoreStats;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.Json;
import io.grpc.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the Flight RPCs other than DoGet and DoPut onto the {@link DatasetStore}: ListFlights,
 * GetFlightInfo, GetSchema, ListActions, DoAction and DoExchange (an echo).
 *
 * <p>DoGet and DoPut are served by {@link FlightDataPlane}, under Arrow's API. Handlers run on the
 * server's executor threads.
 */
public final class DatasetProducer extends NoOpFlightProducer {
  private static final Logger log = LoggerFactory.getLogger(DatasetProducer.class);

  /** The actions this server answers, in the order ListActions reports them. */
  public static final List<ActionType> ACTIONS =
      List.of(
          new ActionType("drop", "Remove one dataset. Body: the dataset path (UTF-8)."),
          new ActionType("clear", "Remove every dataset. Body: empty."),
          new ActionType(
              "stats",
              "Store statistics as JSON: datasets, rows, bytes, memory used, peak and limit."),
          new ActionType("health", "Liveness as JSON: status, uptime, datasets."));

  /** How long a waiting DoGet or DoExchange sleeps before looking at the client again. */
  private static final long CLIENT_POLL_MILLIS = 1;

  private final BufferAllocator allocator;
  private final DatasetStore store;
  private final Supplier<Location> location;
  private final Duration clientWaitTimeout;
  private final Instant startedAt = Instant.now();

  /**
   * Creates a producer.
   *
   * @param allocator allocator for stream roots and acks (stored batches live in the store's)
   * @param store the datasets served
   * @param location this server's location, for FlightInfo endpoints (known once started)
   * @param clientWaitTimeout how long a DoGet waits for a stalled client before failing
   */
  public DatasetProducer(
      BufferAllocator allocator,
      DatasetStore store,
      Supplier<Location> location,
      Duration clientWaitTimeout) {
    this.allocator = allocator;
    this.store = store;
    this.location = location;
    this.clientWaitTimeout = clientWaitTimeout;
  }

  /** Waits until the client can take more; false when it cancelled (nothing more to send). */
  private boolean awaitClient(
      BackpressureStrategy backpressure, ServerStreamListener listener, String call) {
    long deadline = System.nanoTime() + clientWaitTimeout.toNanos();
    while (!listener.isReady()) {
      if (isCancelled(listener)) {
        log.debug("{} cancelled by the client", call);
        return false;
      }
      if (System.nanoTime() - deadline > 0) {
        throw CallStatus.TIMED_OUT
            .withDescription(
                call + ": the client read nothing for " + clientWaitTimeout.toSeconds() + " s")
            .toRuntimeException();
      }
      backpressure.waitForListener(CLIENT_POLL_MILLIS);
    }
    return !isCancelled(listener);
  }

  /** True once the client has cancelled the call (seen at once through the call's context). */
  private static boolean isCancelled(ServerStreamListener listener) {
    return listener.isCancelled() || Context.current().isCancelled();
  }

  @Override
  public void doExchange(CallContext context, FlightStream reader, ServerStreamListener writer) {
    VectorSchemaRoot echo = null;
    try {
      BackpressureStrategy backpressure = new BackpressureStrategy.CallbackBackpressureStrategy();
      backpressure.register(writer);
      writer.setUseZeroCopy(true);
      VectorLoader loader = null;
      while (reader.next()) {
        if (!awaitClient(backpressure, writer, "DoExchange")) {
          return;
        }
        ArrowBuf metadata = retained(reader.getLatestMetadata());
        if (reader.hasRoot()) {
          if (echo == null) {
            echo = VectorSchemaRoot.create(reader.getRoot().getSchema(), allocator);
            writer.start(echo, reader.getDictionaryProvider());
            loader = new VectorLoader(echo);
          }
          // Re-sent through RecordBatches so that empty list offsets are complete (no copy).
          try (ArrowRecordBatch batch = RecordBatches.unload(reader.getRoot(), allocator)) {
            loader.load(batch);
          }
          writer.putNext(metadata);
        } else if (metadata != null) {
          writer.putMetadata(metadata);
        }
      }
      if (echo == null && reader.hasRoot()) {
        writer.start(reader.getRoot(), reader.getDictionaryProvider());
      }
      writer.completed();
    } catch (Throwable t) {
      if (!isCancelled(writer)) {
        writer.error(Statuses.toFlight(t, "DoExchange"));
      }
    } finally {
      if (echo != null) {
        echo.close();
      }
    }
  }

  @Override
  public void listFlights(
      CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
    try {
      DatasetPath prefix = null;
      byte[] expression = criteria == null ? null : criteria.getExpression();
      if (expression != null && expression.length > 0) {
        String text = new String(expression, StandardCharsets.UTF_8);
        if (!text.replace("/", "").isEmpty()) {
          prefix = DatasetPath.parse(text);
        }
      }
      for (DatasetInfo info : store.list(prefix)) {
        listener.onNext(flightInfo(info));
      }
      listener.onCompleted();
    } catch (Throwable t) {
      listener.onError(Statuses.toFlight(t, "ListFlights"));
    }
  }

  @Override
  public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
    DatasetPath path = pathOf(descriptor, "GetFlightInfo");
    return flightInfo(store.info(path));
  }

  @Override
  public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
    DatasetPath path = pathOf(descriptor, "GetSchema");
    return new SchemaResult(store.info(path).schema());
  }

  private static DatasetPath pathOf(FlightDescriptor descriptor, String call) {
    try {
      return DatasetPath.fromDescriptor(descriptor);
    } catch (IllegalArgumentException e) {
      throw Statuses.invalid(call + ": " + e.getMessage());
    }
  }

  /** The FlightInfo of a dataset: its schema, totals and one endpoint on this server. */
  private FlightInfo flightInfo(DatasetInfo info) {
    FlightEndpoint endpoint = new FlightEndpoint(info.path().toTicket(), location.get());
    return new FlightInfo(
        info.schema(),
        info.path().toDescriptor(),
        List.of(endpoint),
        info.ipcBodyBytes(),
        info.rowCount());
  }

  @Override
  public void listActions(CallContext context, StreamListener<ActionType> listener) {
    ACTIONS.forEach(listener::onNext);
    listener.onCompleted();
  }

  @Override
  public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
    try {
      ObjectNode out = Json.MAPPER.createObjectNode();
      switch (action.getType()) {
        case "drop" -> {
          String body = new String(action.getBody(), StandardCharsets.UTF_8);
          DatasetPath path;
          try {
            path = DatasetPath.parse(body);
          } catch (IllegalArgumentException e) {
            throw Statuses.invalid("drop: " + e.getMessage());
          }
          DatasetInfo dropped = store.drop(path);
          out.put("dropped", dropped.path().canonical());
          out.put("rows", dropped.rowCount());
          out.put("ipc_body_bytes", dropped.ipcBodyBytes());
        }
        case "clear" -> out.put("cleared", store.clear());
        case "stats" -> {
          StoreStats s = store.stats();
          out.put("datasets", s.datasets());
          out.put("rows", s.rows());
          out.put("ipc_body_bytes", s.ipcBodyBytes());
          out.put("memory_used_bytes", s.memoryUsedBytes());
          out.put("memory_peak_bytes", s.memoryPeakBytes());
          out.put("memory_limit_bytes", s.memoryLimitBytes());
          out.put("uploads_in_progress", s.uploadsInProgress());
          out.put("disk_bytes", s.diskBytes());
          out.put("mapped_bytes", s.mappedBytes());
          out.put("server_allocated_bytes", allocator.getAllocatedMemory());
          out.put("block_cache_bytes", Allocators.cachedBlockBytes());
          Runtime rt = Runtime.getRuntime();
          out.put("jvm_heap_used_bytes", rt.totalMemory() - rt.freeMemory());
          out.put("jvm_max_direct_bytes", MemorySizes.maxDirectMemory());
          out.put("jvm_process_cpu_nanos", JvmTimes.processCpuNanos());
          out.put("jvm_jit_compile_nanos", JvmTimes.jitCompileNanos());
        }
        case "health" -> {
          out.put("status", "ok");
          out.put("uptime_seconds", Duration.between(startedAt, Instant.now()).toSeconds());
          out.put("datasets", store.stats().datasets());
        }
        default ->
            throw CallStatus.UNIMPLEMENTED
                .withDescription(
                    "Unknown action '" + action.getType() + "' (known: drop, clear, stats, health)")
                .toRuntimeException();
      }
      listener.onNext(new Result(Json.MAPPER.writeValueAsBytes(out)));
      listener.onCompleted();
    } catch (Throwable t) {
      listener.onError(Statuses.toFlight(t, "DoAction '" + action.getType() + "'"));
    }
  }

  /** Hands gRPC its own reference to a stored metadata buffer (the message closes it). */
  private static ArrowBuf retained(ArrowBuf metadata) {
    if (metadata == null) {
      return null;
    }
    metadata.getReferenceManager().retain();
    return metadata;
  }
}
