package dev.flightlab.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flightlab.jvm.JvmTimes;
import dev.flightlab.jvm.MemorySizes;
import dev.flightlab.memory.Allocators;
import dev.flightlab.store.Dataset;
import dev.flightlab.store.DatasetInfo;
import dev.flightlab.store.DatasetStore;
import dev.flightlab.store.StoreStats;
import dev.flightlab.store.StoredBatch;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.DatasetTicket;
import dev.flightlab.wire.Json;
import dev.flightlab.wire.PerfProtocol;
import dev.flightlab.wire.PerfProtocol.Perf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.PollInfo;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the Flight RPCs other than DoGet and DoPut onto the {@link DatasetStore}: ListFlights,
 * GetFlightInfo, GetSchema, ListActions and DoAction.
 *
 * <p>DoGet, DoPut and DoExchange are served by {@link FlightDataPlane}, under Arrow's API. Handlers
 * run on the server's executor threads.
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
          new ActionType("health", "Liveness as JSON: status, uptime, datasets."),
          new ActionType(
              "ping", "Readiness probe of Arrow's Flight benchmark: answers the bytes ok."));

  private final BufferAllocator allocator;
  private final DatasetStore store;
  private final Supplier<List<Location>> locations;
  private final Duration clientWaitTimeout;
  private final long endpointRows;
  private final Instant startedAt = Instant.now();
  private final DoGetCounters doGets = new DoGetCounters();

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
    this(allocator, store, () -> List.of(location.get()), clientWaitTimeout, 0);
  }

  /**
   * Creates a producer whose FlightInfo endpoints name {@code locations} (may be empty: redeem
   * where you asked), splitting datasets of more than {@code endpointRows} rows (0: never).
   */
  public DatasetProducer(
      BufferAllocator allocator,
      DatasetStore store,
      Supplier<List<Location>> locations,
      Duration clientWaitTimeout,
      long endpointRows) {
    this.allocator = allocator;
    this.store = store;
    this.locations = locations;
    this.clientWaitTimeout = clientWaitTimeout;
    this.endpointRows = endpointRows;
  }

  /** The DoGet counters the {@code stats} action reports; the data plane counts into them. */
  DoGetCounters doGetCounters() {
    return doGets;
  }

  @Override
  public void listFlights(
      CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
    try {
      DatasetPath prefix = null;
      byte[] expression = criteria == null ? null : criteria.getExpression();
      if (expression != null && expression.length > 0) {
        String text = strictUtf8(expression, "ListFlights: the criteria expression");
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
    Perf perf = perfCommand(descriptor, "GetFlightInfo");
    if (perf != null) {
      return PerfStreams.flightInfo(perf, descriptor, locations.get().toArray(Location[]::new));
    }
    DatasetPath path = pathOf(descriptor, "GetFlightInfo");
    return flightInfo(store.info(path));
  }

  @Override
  public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
    if (perfCommand(descriptor, "GetSchema") != null) {
      return new SchemaResult(PerfProtocol.SCHEMA);
    }
    DatasetPath path = pathOf(descriptor, "GetSchema");
    return new SchemaResult(store.info(path).schema());
  }

  /** The Perf command of Arrow's benchmark a descriptor carries, checked, or null. */
  private static Perf perfCommand(FlightDescriptor descriptor, String call) {
    Perf perf = PerfProtocol.commandOf(descriptor);
    if (perf == null) {
      return null;
    }
    try {
      return perf.validate();
    } catch (IllegalArgumentException e) {
      throw Statuses.invalid(call + ": " + e.getMessage());
    }
  }

  private static DatasetPath pathOf(FlightDescriptor descriptor, String call) {
    try {
      return DatasetPath.fromDescriptor(descriptor);
    } catch (IllegalArgumentException e) {
      throw Statuses.invalid(call + ": " + e.getMessage());
    }
  }

  @Override
  public PollInfo pollFlightInfo(CallContext context, FlightDescriptor descriptor) {
    // Nothing here runs long: the answer is complete at once (no next descriptor, progress 1).
    DatasetPath path = pathOf(descriptor, "PollFlightInfo");
    return new PollInfo(flightInfo(store.info(path)), null, 1.0, null);
  }

  /**
   * The FlightInfo of a dataset: its schema, totals and its endpoints, each naming this server's
   * advertised locations: one whose ticket is the path, or, for more than {@code endpointRows}
   * rows, one per run of batches of about that many rows (tickets naming the version and the batch
   * range, {@link DatasetTicket}).
   */
  private FlightInfo flightInfo(DatasetInfo info) {
    Location[] where = locations.get().toArray(Location[]::new);
    List<FlightEndpoint> endpoints = List.of(new FlightEndpoint(info.path().toTicket(), where));
    if (endpointRows > 0 && info.rowCount() > endpointRows) {
      endpoints = splitEndpoints(info.path(), where, endpoints);
    }
    return new FlightInfo(
        info.schema(), info.path().toDescriptor(), endpoints, info.ipcBodyBytes(), info.rowCount());
  }

  /**
   * Endpoints of about {@code endpointRows} rows each, cut at batch boundaries of the dataset's
   * current version; {@code whole} when that version has dictionaries (each stream would have to
   * carry them) or a single run.
   */
  private List<FlightEndpoint> splitEndpoints(
      DatasetPath path, Location[] where, List<FlightEndpoint> whole) {
    try (Dataset snapshot = store.snapshot(path)) {
      if (!snapshot.dictionaries().getDictionaryIds().isEmpty()) {
        return whole;
      }
      List<StoredBatch> batches = snapshot.batches();
      List<FlightEndpoint> out = new ArrayList<>();
      int first = 0;
      long rows = 0;
      for (int i = 0; i < batches.size(); i++) {
        rows += batches.get(i).rowCount();
        if (rows >= endpointRows || i == batches.size() - 1) {
          DatasetTicket t = DatasetTicket.range(path, snapshot.version(), first, i + 1);
          out.add(new FlightEndpoint(t.toTicket(), where));
          first = i + 1;
          rows = 0;
        }
      }
      return out.size() <= 1 ? whole : out;
    }
  }

  @Override
  public void listActions(CallContext context, StreamListener<ActionType> listener) {
    ACTIONS.forEach(listener::onNext);
    listener.onCompleted();
  }

  @Override
  public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
    try {
      if (action.getType().equals("ping")) {
        // Arrow's arrow-flight-benchmark waits for this answer (perf_server.cc's) before it starts.
        listener.onNext(new Result("ok".getBytes(StandardCharsets.UTF_8)));
        listener.onCompleted();
        return;
      }
      ObjectNode out = Json.MAPPER.createObjectNode();
      switch (action.getType()) {
        case "drop" -> {
          String body = strictUtf8(action.getBody(), "drop: the body");
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
          out.put("doget_calls", doGets.calls.sum());
          out.put("doget_batches_sent", doGets.batchesSent.sum());
          out.put("doget_cancelled", doGets.cancelled.sum());
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
                    "Unknown action '"
                        + action.getType()
                        + "' (known: drop, clear, stats, health, ping)")
                .toRuntimeException();
      }
      listener.onNext(new Result(Json.MAPPER.writeValueAsBytes(out)));
      listener.onCompleted();
    } catch (Throwable t) {
      listener.onError(Statuses.toFlight(t, "DoAction '" + action.getType() + "'"));
    }
  }

  /** Decodes UTF-8, refusing malformed bytes with INVALID_ARGUMENT naming {@code what}. */
  private static String strictUtf8(byte[] bytes, String what) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw Statuses.invalid(what + " is not UTF-8 (" + bytes.length + " bytes)");
    }
  }
}
