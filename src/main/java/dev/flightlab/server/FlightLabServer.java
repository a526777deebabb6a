package dev.flightlab.server;

import com.google.common.util.concurrent.MoreExecutors;
import dev.flightlab.jvm.MemorySizes;
import dev.flightlab.memory.Allocators;
import dev.flightlab.store.DatasetStore;
import dev.flightlab.wire.NettyTransport;
import dev.flightlab.wire.TransportSettings;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.FlightConstants;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.ServerHeaderMiddleware;
import org.apache.arrow.flight.auth.ServerAuthHandler;
import org.apache.arrow.flight.grpc.ServerBackpressureThresholdInterceptor;
import org.apache.arrow.flight.grpc.ServerInterceptorAdapter;
import org.apache.arrow.flight.impl.FlightServiceGrpc;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flightlab Flight server: a {@link DatasetStore} served over Arrow Flight.
 *
 * <p>Build with {@link #builder}, then {@link #start}; {@link #close} shuts down gracefully within
 * the options' deadline, cancels what is left, frees every dataset and reports leaked memory.
 *
 * <pre>{@code
 * try (FlightLabServer server = FlightLabServer.builder(ServerOptions.ephemeral()).build().start()) {
 *   Location where = server.location();
 * }
 * }</pre>
 */
public final class FlightLabServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FlightLabServer.class);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

  /** How long close() waits for the gRPC server to terminate once it has cancelled the calls. */
  private static final Duration FORCE_TIMEOUT = Duration.ofSeconds(5);

  private static final AtomicInteger CALL_THREADS = new AtomicInteger();

  private final ServerOptions options;
  private final BufferAllocator ownedRoot;
  private final BufferAllocator allocator;
  private final DatasetStore store;
  private final Server grpcServer;
  private final ExecutorService callExecutor;
  private final boolean embedded;
  private final boolean quiet;
  private final NettyTransport transport;
  private final Credentials credentials;
  private final ShutdownGate gate = new ShutdownGate();
  private volatile Location location;
  private volatile List<Location> endpointLocations = List.of();
  private boolean closed;

  private FlightLabServer(
      ServerOptions options,
      ServerLimits limits,
      BufferAllocator parent,
      boolean embedded,
      boolean quiet) {
    // First: a bad TLS file fails here, before anything is allocated.
    SslContext sslContext = options.tls() ? ServerTls.sslContext(options) : null;
    this.credentials = options.acceptedCredentials();
    this.embedded = embedded;
    this.quiet = quiet;
    this.transport = embedded ? NettyTransport.forEmbeddedServer() : NettyTransport.forServer();
    this.options = options;
    this.ownedRoot = parent == null ? Allocators.newRoot() : null;
    BufferAllocator base = parent == null ? ownedRoot : parent;
    this.allocator = base.newChildAllocator("server", 0, Long.MAX_VALUE);
    try {
      this.store = DatasetStore.open(allocator, options.effectiveMemoryLimit(), options.dataDir());
    } catch (RuntimeException e) {
      allocator.close();
      if (ownedRoot != null) {
        ownedRoot.close();
      }
      try {
        transport.close();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      throw e;
    }
    SocketAddress bind = bindAddress(options);
    DatasetProducer producer =
        new DatasetProducer(
            allocator,
            store,
            this::endpointLocations,
            options.clientWaitTimeout(),
            options.endpointRows());
    // The executor for gRPC callbacks and Arrow's handlers; close() stops it only after the gRPC
    // server, so calls in flight still hear of new data and of cancellation until then.
    this.callExecutor = Executors.newCachedThreadPool(FlightLabServer::callThread);
    FlightDataPlane dataPlane = new FlightDataPlane(allocator, store, producer.doGetCounters());
    // The gRPC server is built here rather than by Arrow's FlightServer, whose close() waits 3 s
    // more before it cancels calls: this one's close() cancels them at the shutdown timeout. The
    // settings are those FlightServer.Builder would make.
    NettyServerBuilder netty =
        NettyServerBuilder.forAddress(bind)
            // Refused from the gRPC length prefix, before any of the message is buffered;
            // MessageSizeLimit words the answer.
            .maxInboundMessageSize((int) limits.maxMessageBytes())
            .maxInboundMetadataSize(1 << 20)
            .maxConnectionIdle(limits.idleTimeout().toNanos(), TimeUnit.NANOSECONDS)
            // Calls start on the network thread, and the supplier moves all but the data
            // plane's to callExecutor (FlightDataPlane.executorFor).
            .executor(MoreExecutors.directExecutor())
            .callExecutor(
                new ServerCallExecutorSupplier() {
                  @Override
                  public <ReqT, RespT> Executor getExecutor(
                      ServerCall<ReqT, RespT> call, Metadata headers) {
                    if (store.dataDir() != null
                        && call.getMethodDescriptor()
                            .getFullMethodName()
                            .equals(FlightServiceGrpc.getDoPutMethod().getFullMethodName())) {
                      // A durable commit writes and syncs files: not on a network thread.
                      return callExecutor;
                    }
                    return FlightDataPlane.executorFor(call, headers, callExecutor);
                  }
                })
            // Arrow's Flight service with DoGet, DoPut and DoExchange replaced by the data
            // plane's; Arrow's other methods behind Arrow's middleware adapter.
            .addService(
                ServerInterceptors.intercept(
                    dataPlane.bind(
                        FlightGrpcUtils.createFlightService(
                            allocator, producer, ServerAuthHandler.NO_OP, callExecutor),
                        new ServerInterceptorAdapter(
                            List.of(
                                new ServerInterceptorAdapter.KeyFactory<>(
                                    FlightConstants.HEADER_KEY,
                                    new ServerHeaderMiddleware.Factory())))),
                    new ServerBackpressureThresholdInterceptor(
                        TransportSettings.SERVER_BACKPRESSURE_THRESHOLD_BYTES)));
    // Global interceptors run last added first: the message size limit, the connection limit,
    // the gate, then authentication; then the service's own (Arrow's middleware adapter on Arrow's
    // methods, RequestHeaders on the data plane's).
    RefusalLog refusals = new RefusalLog();
    if (!credentials.isEmpty()) {
      netty.intercept(new CallAuthenticator(credentials, refusals));
    }
    netty.intercept(gate);
    netty.intercept(new ConnectionLimit(transport));
    // Outermost, so that it holds the call every handler and interceptor sees.
    MessageSizeLimit messageSize = new MessageSizeLimit(limits.maxMessageBytes(), refusals);
    netty.addStreamTracerFactory(messageSize);
    netty.intercept(messageSize);
    TransportSettings.tune(netty);
    transport.configure(netty, options.unixSocket() != null);
    transport.limitConnections(limits.maxConnections());
    if (sslContext != null) {
      netty.sslContext(sslContext);
      transport.onHandshakeRefused(
          (remote, cause) ->
              refusals.refused(remote, "TLS handshake", ServerTls.refusalReason(cause)));
    }
    this.grpcServer = netty.build();
  }

  /** A builder for a server with the given options. */
  public static Builder builder(ServerOptions options) {
    return new Builder(options);
  }

  /** Binds and starts serving; returns this server. */
  public FlightLabServer start() throws IOException {
    try {
      grpcServer.start();
    } catch (IOException | RuntimeException e) {
      // Not returned to the caller: nobody else can free what the server holds.
      try {
        close();
      } catch (InterruptedException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    if (options.unixSocket() != null) {
      location = Location.forGrpcDomainSocket(options.unixSocket().toAbsolutePath().toString());
    } else {
      String advertised = advertisedHost(options.host());
      int port = grpcServer.getPort();
      location =
          options.tls()
              ? Location.forGrpcTls(advertised, port)
              : Location.forGrpcInsecure(advertised, port);
    }
    endpointLocations = endpointLocations(options, location);
    (quiet ? log.atDebug() : log.atInfo())
        .log(
            "flightlab serving on {} (memory limit {}{})",
            location.getUri(),
            MemorySizes.format(store.memoryLimitBytes()),
            options.tlsClientCa() != null ? ", client certificates required" : "");
    if (!options.tls()
        && !credentials.isEmpty()
        && options.unixSocket() == null
        && !isLoopback(options.host())) {
      log.warn(
          "Tokens and passwords are accepted in plaintext on {}, which is not a loopback address:"
              + " anyone on the network path can read them. Serve TLS (--tls-cert, --tls-key).",
          options.host());
    }
    return this;
  }

  /**
   * The locations this server's FlightInfo endpoints name: {@code --advertise}'s when set; none
   * when bound to a wildcard address without it (clients then redeem tickets where they asked,
   * rather than at a machine name that may not resolve for them); else {@link #location()}.
   */
  public List<Location> endpointLocations() {
    return endpointLocations;
  }

  static List<Location> endpointLocations(ServerOptions options, Location bound) {
    if (options.advertise() != null) {
      return List.of(advertisedLocation(options.advertise(), options.tls()));
    }
    if (options.unixSocket() == null && isWildcard(options.host())) {
      return List.of();
    }
    return List.of(bound);
  }

  /**
   * {@code --advertise}'s location: a URI (grpc://, grpc+tls://, grpc+unix://...) as given, or
   * HOST:PORT with this server's scheme.
   */
  static Location advertisedLocation(String advertise, boolean tls) {
    try {
      if (advertise.contains("://")) {
        return new Location(advertise);
      }
      URI uri = new URI((tls ? "grpc+tls" : "grpc+tcp") + "://" + advertise);
      if (uri.getHost() == null || uri.getPort() < 0) {
        throw new IllegalArgumentException(
            "--advertise must be HOST:PORT or a Flight URI, got '" + advertise + "'");
      }
      return new Location(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "--advertise must be HOST:PORT or a Flight URI, got '" + advertise + "'");
    }
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  /** The TCP address, or the Unix domain socket (a stale socket file is removed first). */
  private static SocketAddress bindAddress(ServerOptions options) {
    if (options.unixSocket() == null) {
      Location bind =
          options.tls()
              ? Location.forGrpcTls(options.host(), options.port())
              : Location.forGrpcInsecure(options.host(), options.port());
      return bind.toSocketAddress();
    }
    if (!NettyTransport.EPOLL) {
      throw new IllegalArgumentException(
          "grpc+unix:// needs Netty's native epoll transport (Linux, not -Dflightlab.transport=nio)");
    }
    Path socket = options.unixSocket().toAbsolutePath();
    try {
      if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)
          && !Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(socket);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove stale socket " + socket, e);
    }
    return new DomainSocketAddress(socket.toString());
  }

  /** Where clients reach this server (the bound port, with a wildcard host made concrete). */
  public Location location() {
    return location;
  }

  /**
   * A transport for a client in this JVM: on the server's network thread when the server was built
   * {@link Builder#embedded()}, else on a thread of the client's own. Pass it to {@link
   * dev.flightlab.client.FlightLabClient#connect(dev.flightlab.client.ClientOptions,
   * BufferAllocator, NettyTransport)}; the client closes it. Close such clients before the server:
   * the server's close stops the thread they run on.
   */
  public NettyTransport clientTransport() {
    return embedded ? transport.clientOnSameLoop() : NettyTransport.forClient();
  }

  /** The port the server is bound to. */
  public int port() {
    return grpcServer.getPort();
  }

  /** Client connections open now. */
  public int acceptedConnections() {
    return transport.acceptedConnections();
  }

  /** Client connections accepted since the server started, open or not (refused ones too). */
  public long connectionsAcceptedEver() {
    return transport.connectionsAcceptedEver();
  }

  /** The datasets this server holds. */
  public DatasetStore store() {
    return store;
  }

  /** The server's allocator (streams, acks); the store's is a child of it. */
  public BufferAllocator allocator() {
    return allocator;
  }

  /** Blocks until the server has shut down. */
  public void awaitTermination() throws InterruptedException {
    grpcServer.awaitTermination();
  }

  /**
   * Answers new calls UNAVAILABLE ("server is shutting down"), waits for calls in flight up to the
   * shutdown timeout, cancels the rest, then frees every dataset and closes the allocators.
   *
   * @throws IllegalStateException when memory is still held after the deadline (a leak)
   */
  @Override
  public synchronized void close() throws InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    long timeoutMillis = options.shutdownTimeout().toMillis();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    // The listener stays open while calls drain, so that a new call hears why it is refused
    // rather than finding nobody there.
    gate.startDraining();
    int inFlight = gate.inFlight();
    if (inFlight > 0) {
      log.info(
          "Shutting down: waiting up to {} ms for {} call(s) in flight", timeoutMillis, inFlight);
    }
    boolean drained = gate.awaitIdle(TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    grpcServer.shutdown();
    long leftNanos = Math.max(deadline - System.nanoTime(), 0);
    if (!drained || !grpcServer.awaitTermination(leftNanos, TimeUnit.NANOSECONDS)) {
      log.warn("Calls still running after {} ms: cancelling them", timeoutMillis);
      grpcServer.shutdownNow();
      if (!grpcServer.awaitTermination(FORCE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn(
            "gRPC server still not terminated {} ms after cancelling", FORCE_TIMEOUT.toMillis());
      }
    }
    callExecutor.shutdown();
    if (!callExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
      log.warn("Call handlers still running after the shutdown: interrupting them");
      callExecutor.shutdownNow();
    }
    transport.close();
    if (options.unixSocket() != null) {
      try {
        Files.deleteIfExists(options.unixSocket().toAbsolutePath());
      } catch (IOException e) {
        log.warn("could not remove socket {}: {}", options.unixSocket(), e.getMessage());
      }
    }
    store.close();
    try {
      Allocators.closeWhenDrained(allocator, DRAIN_TIMEOUT);
    } finally {
      if (ownedRoot != null) {
        ownedRoot.close();
      }
    }
    (quiet ? log.atDebug() : log.atInfo()).log("flightlab server stopped");
  }

  private static Thread callThread(Runnable task) {
    Thread t = new Thread(task, "flightlab-call-" + CALL_THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String advertisedHost(String host) {
    if (!isWildcard(host)) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** Builds a {@link FlightLabServer}. */
  public static final class Builder {
    private final ServerOptions options;
    private ServerLimits limits = ServerLimits.defaults();
    private BufferAllocator allocator;
    private boolean embedded;
    private boolean quiet;

    private Builder(ServerOptions options) {
      this.options = options;
    }

    /** Uses a child of {@code parent} instead of a root allocator of the server's own. */
    public Builder allocator(BufferAllocator parent) {
      this.allocator = parent;
      return this;
    }

    /**
     * Serves on a single network thread that clients in this JVM can share ({@link
     * #clientTransport()}): for a server embedded beside its client, as in the demo.
     */
    public Builder embedded() {
      this.embedded = true;
      return this;
    }

    /** Logs its start and stop at debug level: for a server nobody else sees (the warm-up's). */
    public Builder quiet() {
      this.quiet = true;
      return this;
    }

    /** Holds these limits (message size, connections, idle time) instead of the defaults. */
    public Builder limits(ServerLimits newLimits) {
      this.limits = newLimits;
      return this;
    }

    /** Creates the server (not started). */
    public FlightLabServer build() {
      return new FlightLabServer(options, limits, allocator, embedded, quiet);
    }
  }
}
