package dev.flightlab.server;

import com.google.common.util.concurrent.MoreExecutors;
import dev.flightlab.jvm.MemorySizes;
import dev.flightlab.memory.Allocators;
import dev.flightlab.store.DatasetStore;
import dev.flightlab.wire.NettyTransport;
import dev.flightlab.wire.TransportSettings;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth.ServerAuthHandler;
import org.apache.arrow.flight.grpc.ServerBackpressureThresholdInterceptor;
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
  private static final java.time.Duration DRAIN_TIMEOUT = java.time.Duration.ofSeconds(5);
  private static final AtomicInteger CALL_THREADS = new AtomicInteger();

  private final ServerOptions options;
  private final BufferAllocator ownedRoot;
  private final BufferAllocator allocator;
  private final DatasetStore store;
  private final FlightServer flightServer;
  private final ExecutorService callExecutor;
  private final boolean embedded;
  private final NettyTransport transport;
  private volatile Location location;
  private boolean closed;

  private FlightLabServer(ServerOptions options, BufferAllocator parent, boolean embedded) {
    this.embedded = embedded;
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
    Location bind =
        options.tls()
            ? Location.forGrpcTls(options.host(), options.port())
            : Location.forGrpcInsecure(options.host(), options.port());
    DatasetProducer producer =
        new DatasetProducer(allocator, store, this::location, options.clientWaitTimeout());
    // Our own executor for gRPC callbacks and handlers: Flight shuts its default one down at the
    // start of a shutdown, after which calls in flight never hear of new data or cancellation.
    this.callExecutor = Executors.newCachedThreadPool(FlightLabServer::callThread);
    FlightDataPlane dataPlane = new FlightDataPlane(allocator, store);
    FlightServer.Builder builder =
        FlightServer.builder(allocator, bind, producer)
            .executor(callExecutor)
            .middleware(RequestHeaders.KEY, new RequestHeaders.Factory(options.authToken()))
            .transportHint(
                "grpc.builderConsumer",
                (Consumer<NettyServerBuilder>)
                    netty -> {
                      TransportSettings.tune(netty);
                      transport.configure(netty);
                      // Calls start on the network thread, and the supplier moves all but the
                      // data plane's to callExecutor (FlightDataPlane.executorFor).
                      netty.executor(MoreExecutors.directExecutor());
                      netty.callExecutor(
                          new ServerCallExecutorSupplier() {
                            @Override
                            public <ReqT, RespT> Executor getExecutor(
                                ServerCall<ReqT, RespT> call, Metadata headers) {
                              if (store.dataDir() != null
                                  && call.getMethodDescriptor()
                                      .getFullMethodName()
                                      .equals(
                                          FlightServiceGrpc.getDoPutMethod().getFullMethodName())) {
                                // A durable commit writes and syncs files: not on a network thread.
                                return callExecutor;
                              }
                              return FlightDataPlane.executorFor(call, headers, callExecutor);
                            }
                          });
                      // Registered after Arrow's service of the same name, so it replaces it.
                      netty.addService(
                          ServerInterceptors.intercept(
                              dataPlane.bind(
                                  FlightGrpcUtils.createFlightService(
                                      allocator, producer, ServerAuthHandler.NO_OP, callExecutor)),
                              new ServerBackpressureThresholdInterceptor(
                                  TransportSettings.SERVER_BACKPRESSURE_THRESHOLD_BYTES)));
                    });
    if (options.tls()) {
      try {
        builder.useTls(options.tlsCertChain().toFile(), options.tlsPrivateKey().toFile());
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read TLS files: " + e.getMessage(), e);
      }
    }
    this.flightServer = builder.build();
  }

  /** A builder for a server with the given options. */
  public static Builder builder(ServerOptions options) {
    return new Builder(options);
  }

  /** Binds and starts serving; returns this server. */
  public FlightLabServer start() throws IOException {
    try {
      flightServer.start();
    } catch (IOException | RuntimeException e) {
      // Not returned to the caller: nobody else can free what the server holds.
      try {
        close();
      } catch (InterruptedException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    String advertised = advertisedHost(options.host());
    int port = flightServer.getPort();
    location =
        options.tls()
            ? Location.forGrpcTls(advertised, port)
            : Location.forGrpcInsecure(advertised, port);
    log.info(
        "flightlab serving on {} (memory limit {})",
        location.getUri(),
        MemorySizes.format(store.memoryLimitBytes()));
    return this;
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
    return flightServer.getPort();
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
    flightServer.awaitTermination();
  }

  /**
   * Stops accepting calls, waits for calls in flight up to the shutdown timeout, cancels the rest,
   * then frees every dataset and closes the allocators.
   *
   * @throws IllegalStateException when memory is still held after the deadline (a leak)
   */
  @Override
  public synchronized void close() throws InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    flightServer.shutdown();
    long timeoutMillis = options.shutdownTimeout().toMillis();
    if (!flightServer.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
      log.warn("Calls still running after {} ms: cancelling them", timeoutMillis);
    }
    // FlightServer.close() cancels what is left and waits for it.
    try {
      flightServer.close();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      log.warn("Flight server did not close cleanly: {}", e.toString());
    }
    callExecutor.shutdown();
    if (!callExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
      log.warn("Call handlers still running after the shutdown: interrupting them");
      callExecutor.shutdownNow();
    }
    transport.close();
    store.close();
    try {
      Allocators.closeWhenDrained(allocator, DRAIN_TIMEOUT);
    } finally {
      if (ownedRoot != null) {
        ownedRoot.close();
      }
    }
    log.info("flightlab server stopped");
  }

  private static Thread callThread(Runnable task) {
    Thread t = new Thread(task, "flightlab-call-" + CALL_THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  private static String advertisedHost(String host) {
    if (!host.equals("0.0.0.0") && !host.equals("::") && !host.equals("[::]")) {
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
    private BufferAllocator allocator;
    private boolean embedded;

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

    /** Creates the server (not started). */
    public FlightLabServer build() {
      return new FlightLabServer(options, allocator, embedded);
    }
  }
}
