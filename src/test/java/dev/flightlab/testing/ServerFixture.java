package dev.flightlab.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.server.FlightLabServer;
import dev.flightlab.server.ServerLimits;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.store.DatasetStore;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;

/**
 * A real flightlab server on a free loopback port, a client for it, and a leak check.
 *
 * <p>Everything lives under one {@link RootAllocator}: the server's allocators, the clients' and
 * {@link #allocator()} for the tables a test builds. {@link #close()} closes clients, then the
 * server, then asserts the root holds zero bytes.
 */
public final class ServerFixture implements AutoCloseable {
  private final RootAllocator root = new RootAllocator(Long.MAX_VALUE);
  private final BufferAllocator data = root.newChildAllocator("test-data", 0, Long.MAX_VALUE);
  private final List<AutoCloseable> clients = new ArrayList<>();
  private final ServerOptions options;
  private final FlightLabServer server;
  private final FlightLabClient client;
  private boolean serverClosed;

  private ServerFixture(ServerOptions options, ServerLimits limits) throws IOException {
    this.options = options;
    this.server = FlightLabServer.builder(options).limits(limits).allocator(root).build().start();
    this.client = newClient(options.authToken());
  }

  /** Starts a server with default options on a free loopback port. */
  public static ServerFixture start() throws IOException {
    return start(ServerOptions.ephemeral());
  }

  /** Starts a server with {@code options} (use port 0). */
  public static ServerFixture start(ServerOptions options) throws IOException {
    return new ServerFixture(options, ServerLimits.defaults());
  }

  /** Starts a server with {@code options} (use port 0) holding {@code limits}. */
  public static ServerFixture start(ServerOptions options, ServerLimits limits) throws IOException {
    return new ServerFixture(options, limits);
  }

  /** The running server. */
  public FlightLabServer server() {
    return server;
  }

  /** The server's store. */
  public DatasetStore store() {
    return server.store();
  }

  /** The server's options. */
  public ServerOptions options() {
    return options;
  }

  /** An allocator for the tables a test builds; must hold nothing when the test ends. */
  public BufferAllocator allocator() {
    return data;
  }

  /** The root of every allocator in this fixture. */
  public RootAllocator root() {
    return root;
  }

  /** The server as the CLI and the demo name it: grpc://127.0.0.1:PORT (or grpc+unix:///PATH). */
  public URI uri() {
    if (options.unixSocket() != null) {
      return server.location().getUri();
    }
    return URI.create("grpc://127.0.0.1:" + server.port());
  }

  /** A client connected with the server's token (if any); closed by the fixture. */
  public FlightLabClient client() {
    return client;
  }

  /** Another client, sending {@code token} (or none when null); closed by the fixture. */
  public FlightLabClient newClient(String token) {
    FlightLabClient c = FlightLabClient.connect(ClientOptions.of(uri()).withAuthToken(token), root);
    clients.add(c);
    return c;
  }

  /** A plain Arrow Flight client, as a non-flightlab program would use; closed by the fixture. */
  public FlightClient rawClient() {
    FlightClient c = FlightClient.builder(root, server.location()).build();
    clients.add(c);
    return c;
  }

  /** Closes the server now (the fixture's close then skips it). */
  public void closeServer() throws InterruptedException {
    serverClosed = true;
    server.close();
  }

  /** Waits (bounded) until the store holds {@code bytes} and no upload is in progress. */
  public void awaitStoreSettled(long bytes) {
    awaitUntil(
        () ->
            store().stats().memoryUsedBytes() == bytes && store().stats().uploadsInProgress() == 0,
        () ->
            "store to hold " + bytes + " bytes with no upload in progress; now " + store().stats());
  }

  /** Polls {@code condition} every 10 ms for up to 10 s; fails with {@code what} otherwise. */
  public static void awaitUntil(BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("Timed out waiting for " + what.get());
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("Interrupted waiting for " + what.get());
      }
    }
  }

  /** Closes the clients and the server, then checks that no allocator holds memory. */
  @Override
  public void close() throws Exception {
    List<AutoCloseable> all = new ArrayList<>(clients);
    Collections.reverse(all);
    if (!serverClosed) {
      all.add(server);
    }
    try {
      AutoCloseables.close(all);
    } catch (Exception e) {
      throw new AssertionError(
          "closing the clients and the server failed; allocators now:\n" + root.toVerboseString(),
          e);
    }
    assertThat(data.getAllocatedMemory())
        .as("test data still allocated:%n%s", data.toVerboseString())
        .isZero();
    data.close();
    assertThat(root.getAllocatedMemory()).as("memory leaked:%n%s", root.toVerboseString()).isZero();
    root.close();
  }
}
