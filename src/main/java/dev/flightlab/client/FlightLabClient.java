package dev.flightlab.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flightlab.data.BatchSet;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.FlightHeaders;
import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.Json;
import dev.flightlab.wire.NettyTransport;
import dev.flightlab.wire.PutMode;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A client for flightlab (and any Flight server that stores DoPut uploads by path): the put, get,
 * exchange, list and action helpers that the demo, the benchmark and the CLI commands share.
 *
 * <p>A facade: one {@link Connection}, an {@link Uploader} per DoPut, a {@link Downloader} per
 * DoGet, an {@link Exchanger} per DoExchange; metadata calls and actions go straight to Arrow's
 * client on the same connection.
 *
 * <p>Thread-safe for concurrent calls, like the {@link FlightClient} it wraps. Buffers it returns
 * come from its own child allocator; close the client after everything it returned.
 */
public final class FlightLabClient implements AutoCloseable {
  /** The location of an endpoint that says "redeem the ticket on the connection you asked on". */
  public static final URI REUSE_CONNECTION = Location.reuseConnection().getUri();

  private final Connection connection;
  private final ClientOptions clientOptions;

  // Connections to endpoints' other locations, opened on first use, closed with this client.
  private final Map<URI, FlightLabClient> pool = new ConcurrentHashMap<>();
  private boolean closed;

  private FlightLabClient(Connection connection, ClientOptions clientOptions) {
    this.connection = connection;
    this.clientOptions = clientOptions;
  }

  /**
   * Connects (lazily: the first call opens the channel).
   *
   * @param parent the allocator whose child holds this client's buffers
   */
  public static FlightLabClient connect(ClientOptions options, BufferAllocator parent) {
    return connect(options, parent, NettyTransport.forClient());
  }

  /**
   * Connects like {@link #connect(ClientOptions, BufferAllocator)}, on {@code transport}'s event
   * loop (which the client closes with itself, or here when it cannot connect): for a client beside
   * an embedded server, {@link dev.flightlab.server.FlightLabServer#clientTransport()}.
   */
  public static FlightLabClient connect(
      ClientOptions options, BufferAllocator parent, NettyTransport transport) {
    return new FlightLabClient(Connection.open(options, parent, transport), options);
  }

  /**
   * Turns grpc://, grpc+tcp://, grpc+tls://, grpc+unix:///path or host:port into a Flight location.
   *
   * @throws IllegalArgumentException for another scheme or a missing port
   */
  public static Location toLocation(URI server) {
    return Connection.toLocation(server);
  }

  /** The location this client talks to. */
  public Location location() {
    return connection.location;
  }

  /** This client's allocator. */
  public BufferAllocator allocator() {
    return connection.allocator;
  }

  /** The underlying Arrow Flight client, for calls this class does not wrap. */
  public FlightClient flight() {
    return connection.flight;
  }

  /** The call options every call carries (the bearer token, when set), plus {@code extra}. */
  public CallOption[] options(CallOption... extra) {
    return connection.options(extra);
  }

  /**
   * Uploads {@code data} to {@code path} and waits for the server to commit it.
   *
   * <p>Batches go out zero-copy from {@code data}, with their app_metadata, columns without nulls
   * without their all-ones validity bitmap (as Arrow C++ and pyarrow send them). The time runs from
   * opening the DoPut to the server's final answer.
   */
  public PutOutcome put(DatasetPath path, BatchSet data, PutMode mode) {
    return put(path, data, data.appMetadata(), mode, IpcCompression.NONE, null);
  }

  /**
   * Watches an upload batch by batch, for timing it. Called on the uploading thread ({@link
   * #sending}) and on gRPC's thread ({@link #acked}); both must return quickly.
   */
  public interface UploadListener {
    /**
     * Record batch {@code index} goes to gRPC now (flow control permitting it).
     *
     * @param bodyBytes its IPC body as sent: after dropping all-valid bitmaps and compressing
     */
    void sending(int index, long bodyBytes);

    /**
     * The server acknowledged something; {@code appMetadata} is the ack's (read-only, may be
     * empty). Runs on the connection's network thread: it must not block.
     */
    void acked(ByteBuffer appMetadata);
  }

  /**
   * Uploads {@code data} like {@link #put(DatasetPath, BatchSet, PutMode)}, with each batch's
   * app_metadata taken from {@code appMetadata} (borrowed; null entries send none), its body
   * compressed with {@code compression} (on this thread, as part of the upload), and {@code
   * listener} (may be null) told of every batch sent and every ack.
   */
  public PutOutcome put(
      DatasetPath path,
      BatchSet data,
      List<ArrowBuf> appMetadata,
      PutMode mode,
      IpcCompression compression,
      UploadListener listener) {
    return Uploader.put(connection, path, data, appMetadata, mode, compression, listener);
  }

  /**
   * Uploads {@code data} like {@link #put(DatasetPath, BatchSet, List, PutMode, IpcCompression,
   * UploadListener)} with {@code descriptor} sent as it is (a command such as Arrow's benchmark
   * Perf, which names no dataset).
   */
  public PutOutcome put(
      FlightDescriptor descriptor,
      BatchSet data,
      List<ArrowBuf> appMetadata,
      IpcCompression compression,
      UploadListener listener) {
    return Uploader.put(
        connection, descriptor, data, appMetadata, PutMode.REPLACE, compression, listener);
  }

  /**
   * Watches a DoExchange batch by batch, for timing it. {@link #sending} runs on the sending
   * thread; {@link #echoed} and {@link #metadata} on the connection's network thread, where they
   * must be quick and must not block. A listener that throws cancels the exchange, and its
   * exception reaches the caller.
   */
  public interface ExchangeListener {
    /**
     * Record batch {@code index} goes to gRPC now (flow control permitting it).
     *
     * @param bodyBytes its IPC body as sent: after dropping all-valid bitmaps and compressing
     */
    void sending(int index, long bodyBytes);

    /** The server sent a record batch; both arguments are borrowed for the call only. */
    void echoed(ArrowRecordBatch batch, ArrowBuf appMetadata);

    /** The server sent app_metadata alone (borrowed for the call only). */
    default void metadata(ArrowBuf appMetadata) {}
  }

  /**
   * Sends {@code data} on a DoExchange of {@code descriptor} (schema, dictionaries, then each batch
   * with its app_metadata) and reads everything the server sends back; flightlab's server echoes
   * it.
   *
   * @return what moved, with what came back kept as a batch set (owned by the outcome: close it)
   */
  public ExchangeOutcome exchange(FlightDescriptor descriptor, BatchSet data) {
    return exchange(descriptor, data, data.appMetadata(), IpcCompression.NONE, null, true);
  }

  /**
   * Runs a DoExchange like {@link #exchange(FlightDescriptor, BatchSet)}, full duplex: this thread
   * sends as gRPC's flow control allows, while the server's messages are read on the connection's
   * network thread as they arrive; sending never waits for them.
   *
   * @param appMetadata each batch's app_metadata (borrowed; null entries send none)
   * @param compression how to compress the batches sent (on this thread, as they go)
   * @param listener told of every batch sent and received (may be null)
   * @param keep keep what comes back (zero-copy, decompressed as it arrives) in the outcome;
   *     otherwise it is only counted and handed to the listener
   * @throws FlightRuntimeException with the server's status when it ends the call with an error
   */
  public ExchangeOutcome exchange(
      FlightDescriptor descriptor,
      BatchSet data,
      List<ArrowBuf> appMetadata,
      IpcCompression compression,
      ExchangeListener listener,
      boolean keep) {
    return Exchanger.exchange(
        connection, descriptor, data, appMetadata, compression, listener, keep);
  }

  /** The FlightInfo for any descriptor (a path or a command), as the server answers it. */
  public FlightInfo info(FlightDescriptor descriptor) {
    return MetadataCalls.getInfo(connection, descriptor, options());
  }

  /** The call option that selects a put mode (REPLACE sends nothing: it is the default). */
  public static CallOption[] putModeOption(PutMode mode) {
    if (mode == PutMode.REPLACE) {
      return new CallOption[0];
    }
    FlightCallHeaders headers = new FlightCallHeaders();
    headers.insert(FlightHeaders.PUT_MODE, mode.wireName());
    return new CallOption[] {new HeaderCallOption(headers)};
  }

  /**
   * Downloads {@code path} as any Flight client would: GetFlightInfo, then every endpoint's ticket
   * at its locations, in order ({@link #get(FlightInfo, int, LongConsumer, IpcCompression)}).
   *
   * @return the table, owned by the caller (close it)
   */
  public BatchSet get(DatasetPath path) {
    return get(info(path), 1, null, IpcCompression.NONE);
  }

  /**
   * Downloads everything {@code info} describes: each endpoint's ticket redeemed where {@link
   * #clientFor} says, up to {@code parallelism} endpoints at a time, joined in endpoint order (with
   * each endpoint's batch boundaries, app_metadata and dictionaries).
   *
   * <p>{@code onRecordBatch} (may be null) is told each record batch's body bytes as received; with
   * {@code parallelism} above 1 it runs on several threads at once.
   *
   * @return the table, owned by the caller (close it)
   * @throws FlightRuntimeException the first endpoint's failure (the others are cancelled)
   */
  public BatchSet get(
      FlightInfo info, int parallelism, LongConsumer onRecordBatch, IpcCompression compression) {
    return Endpoints.get(this, info, parallelism, onRecordBatch, compression);
  }

  /**
   * A reader of everything {@code info} describes, batch by batch as the caller asks: each
   * endpoint's ticket redeemed at its locations, in endpoint order, up to {@code parallelism}
   * endpoints open at once (those after the one being read are read ahead into memory). Dictionary
   * replacements and deltas are applied as they arrive. Closing it early cancels what is open and
   * opens nothing more.
   *
   * @return the reader, owned by the caller (close it before this client)
   */
  public FlightInfoReader reader(FlightInfo info, int parallelism, IpcCompression compression) {
    return new FlightInfoReader(this, info, parallelism, compression);
  }

  /**
   * The client to redeem {@code endpoint}'s ticket on first: this one when the endpoint names no
   * location, {@code arrow-flight-reuse-connection://?}, or this client's own server; else a pooled
   * connection to its first location (opened on first use with this client's token and trust,
   * closed with it). Reads fall back to the endpoint's other locations ({@link #locationsOf}).
   */
  public FlightLabClient clientFor(FlightEndpoint endpoint) {
    return at(locationsOf(endpoint).get(0));
  }

  /**
   * Where {@code endpoint}'s ticket may be redeemed, in the order reads try them: null (this
   * client's connection) first when the endpoint names no location, the reuse-connection URI or
   * this client's server; then its other locations in the endpoint's order (Flight lets a client
   * use any of them).
   */
  List<URI> locationsOf(FlightEndpoint endpoint) {
    List<URI> out = new ArrayList<>();
    List<Location> locations = endpoint.getLocations();
    if (locations.isEmpty()) {
      out.add(null);
      return out;
    }
    for (Location l : locations) {
      if (isThisServer(l.getUri())) {
        out.add(0, null);
        break;
      }
    }
    for (Location l : locations) {
      if (!isThisServer(l.getUri()) && !out.contains(l.getUri())) {
        out.add(l.getUri());
      }
    }
    return out;
  }

  /**
   * This client for null, else the pooled client for {@code location} (opened on first use with
   * this client's token and trust, closed with it).
   *
   * @throws IllegalArgumentException when {@code location} is no location flightlab can connect to
   */
  FlightLabClient at(URI location) {
    if (location == null) {
      return this;
    }
    synchronized (pool) {
      if (closed) {
        throw new IllegalStateException("client closed");
      }
      FlightLabClient pooled = pool.get(location);
      if (pooled == null) {
        pooled =
            connect(
                clientOptions.withServer(location),
                connection.allocator,
                NettyTransport.forClient());
        pool.put(location, pooled);
      }
      return pooled;
    }
  }

  /** This client's connection, for the readers of this package. */
  Connection connection() {
    return connection;
  }

  private static final String REUSE_CONNECTION_TEXT = "arrow-flight-reuse-connection://?";

  /** True when {@code location} is where this client is connected, or the reuse-connection URI. */
  boolean isThisServer(URI location) {
    if (location.toString().equals(REUSE_CONNECTION_TEXT) || location.equals(REUSE_CONNECTION)) {
      return true;
    }
    if ("arrow-flight-reuse-connection".equalsIgnoreCase(location.getScheme())) {
      return true;
    }
    return sameServer(location, connection.location.getUri());
  }

  /**
   * grpc:// and grpc+tcp:// are one scheme; hosts compare without case, and localhost, 127.0.0.1
   * and ::1 are one host (the loopback interface); nothing is resolved. grpc+unix locations compare
   * by the socket's path.
   */
  static boolean sameServer(URI a, URI b) {
    if (!normalScheme(a).equals(normalScheme(b))) {
      return false;
    }
    if (normalScheme(a).equals(Connection.UNIX_SCHEME)) {
      return java.util.Objects.equals(socketPath(a), socketPath(b));
    }
    if (a.getHost() == null || b.getHost() == null) {
      return false;
    }
    return host(a).equals(host(b)) && a.getPort() == b.getPort();
  }

  /** A grpc+unix location's socket path, however it is spelled (grpc+unix:///p, grpc+unix:/p). */
  private static String socketPath(URI u) {
    String path =
        (u.getRawAuthority() == null ? "" : u.getAuthority())
            + (u.getPath() == null ? "" : u.getPath());
    return java.nio.file.Path.of(path).normalize().toString();
  }

  private static String host(URI u) {
    String h = lower(u.getHost());
    return switch (h) {
      case "localhost", "127.0.0.1", "[::1]", "::1", "[0:0:0:0:0:0:0:1]" -> "localhost";
      default -> h;
    };
  }

  private static String normalScheme(URI u) {
    String s = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
    return s.equals("grpc+tcp") ? "grpc" : s;
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Downloads what {@code ticket} names (from a FlightInfo endpoint, say), like {@link
   * #get(DatasetPath)}; {@code onRecordBatch} (may be null) runs as each record batch arrives.
   *
   * @return the table, owned by the caller (close it)
   */
  public BatchSet get(Ticket ticket, Runnable onRecordBatch) {
    return get(
        ticket,
        onRecordBatch == null ? null : bodyBytes -> onRecordBatch.run(),
        IpcCompression.NONE);
  }

  /**
   * Like {@link #get(Ticket, Runnable)}, asking a flightlab server to compress what it sends
   * ({@code flightlab-compression} header); batches are decompressed as they arrive, and {@code
   * onRecordBatch} (may be null) is told each one's body bytes as received (compressed or not).
   */
  public BatchSet get(Ticket ticket, LongConsumer onRecordBatch, IpcCompression compression) {
    return Downloader.get(connection, ticket, onRecordBatch, compression);
  }

  /**
   * Receives a downloaded batch; both arguments are borrowed for the call only.
   *
   * <p>Runs on the connection's network thread, one batch at a time, in order: it must be quick and
   * must not block (other calls on the connection wait meanwhile). Heavier work belongs in {@link
   * FlightLabClient#get}.
   */
  @FunctionalInterface
  public interface BatchVisitor {
    /** Called once per record batch, in order. */
    void batch(ArrowRecordBatch batch, ArrowBuf appMetadata);
  }

  /**
   * Downloads {@code path} batch by batch without loading vectors: what a benchmark or a
   * pass-through reads. Dictionary batches are skipped.
   *
   * @return the schema (message format)
   */
  public Schema readBatches(DatasetPath path, BatchVisitor visitor) {
    return readBatches(info(path), visitor, IpcCompression.NONE);
  }

  /**
   * Reads everything {@code info} describes batch by batch, endpoint after endpoint in order, each
   * ticket redeemed at its locations ({@link #locationsOf}: the next one is tried while a location
   * cannot be reached before the visitor saw a batch from it).
   *
   * @return the schema (message format) of the first endpoint's stream
   */
  public Schema readBatches(FlightInfo info, BatchVisitor visitor, IpcCompression compression) {
    return Endpoints.readBatches(this, info, visitor, compression);
  }

  /** {@link #readBatches(DatasetPath, BatchVisitor)} for what {@code ticket} names. */
  public Schema readBatches(Ticket ticket, BatchVisitor visitor) {
    return readBatches(ticket, visitor, IpcCompression.NONE);
  }

  /**
   * Like {@link #readBatches(Ticket, BatchVisitor)}, asking a flightlab server to compress what it
   * sends; the visitor sees the batches as they arrived, compressed.
   */
  public Schema readBatches(Ticket ticket, BatchVisitor visitor, IpcCompression compression) {
    return Downloader.readBatches(connection, ticket, visitor, compression);
  }

  /** Lists flights whose path lies under {@code prefix} (all when null or empty). */
  public List<FlightInfo> list(String prefix) {
    byte[] criteria = prefix == null ? new byte[0] : prefix.getBytes(StandardCharsets.UTF_8);
    return MetadataCalls.listFlights(connection, criteria, options());
  }

  /** GetFlightInfo for {@code path}. */
  public FlightInfo info(DatasetPath path) {
    return MetadataCalls.getInfo(connection, path.toDescriptor(), options());
  }

  /** GetSchema for {@code path}. */
  public Schema schema(DatasetPath path) {
    return MetadataCalls.getSchema(connection, path.toDescriptor(), options());
  }

  /** Runs an action and returns its results' bodies as UTF-8 strings. */
  public List<String> action(String type, byte[] body) {
    List<String> out = new ArrayList<>();
    connection
        .flight
        .doAction(new Action(type, body), options())
        .forEachRemaining(r -> out.add(new String(r.getBody(), StandardCharsets.UTF_8)));
    return out;
  }

  /** Runs an action whose single result is JSON. */
  public JsonNode actionJson(String type, byte[] body) {
    List<String> results = action(type, body);
    if (results.isEmpty()) {
      throw new IllegalStateException("action '" + type + "' returned no result");
    }
    try {
      return Json.MAPPER.readTree(results.get(0));
    } catch (IOException e) {
      throw new IllegalStateException(
          "action '" + type + "' returned non-JSON: " + results.get(0), e);
    }
  }

  /** Drops {@code path}; NOT_FOUND when it does not exist. */
  public JsonNode drop(DatasetPath path) {
    return actionJson("drop", path.canonical().getBytes(StandardCharsets.UTF_8));
  }

  /** Drops every dataset. */
  public JsonNode clear() {
    return actionJson("clear", new byte[0]);
  }

  /** The server's store statistics (flightlab servers only). */
  public JsonNode stats() {
    return actionJson("stats", new byte[0]);
  }

  /** The server's health (flightlab servers only). */
  public JsonNode health() {
    return actionJson("health", new byte[0]);
  }

  /** The actions the server offers. */
  public List<ActionType> listActions() {
    List<ActionType> out = new ArrayList<>();
    connection.flight.listActions(options()).forEach(out::add);
    return out;
  }

  /** Closes the pooled connections, then the connection and the client's allocator. */
  @Override
  public void close() throws InterruptedException {
    List<FlightLabClient> pooled;
    synchronized (pool) {
      closed = true;
      pooled = new ArrayList<>(pool.values());
      pool.clear();
    }
    try {
      for (FlightLabClient c : pooled) {
        c.close();
      }
    } finally {
      connection.close();
    }
  }
}
