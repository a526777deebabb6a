package dev.flightlab.bench;

import dev.flightlab.server.FlightLabServer;
import dev.flightlab.server.ServerOptions;
import java.net.URI;

/**
 * The server a run talks to: one started in this JVM, one started as a child JVM, or one that was
 * already running. Closing it stops what the benchmark started, and nothing else.
 */
public final class ServerHandle implements AutoCloseable {
  private final String mode;
  private final URI uri;
  private final String note;
  private final FlightLabServer embedded;
  private final ServerProcess process;

  private ServerHandle(
      String mode, URI uri, String note, FlightLabServer embedded, ServerProcess process) {
    this.mode = mode;
    this.uri = uri;
    this.note = note;
    this.embedded = embedded;
    this.process = process;
  }

  /** Starts the server the options ask for (or points at --server). */
  public static ServerHandle start(TargetOptions options) throws Exception {
    if (options.server() != null) {
      return new ServerHandle(
          "external",
          options.server(),
          "a running server at " + options.server() + " (its machine, JVM and load are its own)",
          null,
          null);
    }
    ServerOptions serverOptions =
        ServerOptions.ephemeral().withPort(options.serverPort()).withAuthToken(options.authToken());
    if (options.tlsCert() != null) {
      serverOptions = serverOptions.withTls(options.tlsCert(), options.tlsKey());
    }
    if (options.unixSocket() != null) {
      serverOptions = serverOptions.withUnixSocket(options.unixSocket());
    }
    if (options.serverProcess()) {
      ServerProcess child = ServerProcess.start(serverOptions);
      return new ServerHandle(
          "process",
          toUri(serverOptions, child.port()),
          "a flightlab server in a separate JVM (pid "
              + child.pid()
              + ") started by the benchmark with this JVM's flags; client and server still"
              + " share this machine's cores",
          null,
          child);
    }
    FlightLabServer server = FlightLabServer.builder(serverOptions).build().start();
    return new ServerHandle(
        "embedded",
        toUri(serverOptions, server.port()),
        "embedded in the benchmark's own JVM: client and server share its heap, GC, JIT and"
            + " cores; --server-process runs the server in its own JVM",
        server,
        null);
  }

  private static URI toUri(ServerOptions options, int port) {
    if (options.unixSocket() != null) {
      return URI.create("grpc+unix://" + options.unixSocket().toAbsolutePath());
    }
    return URI.create((options.tls() ? "grpc+tls://" : "grpc://") + options.host() + ":" + port);
  }

  /** "embedded", "process" or "external". */
  public String mode() {
    return mode;
  }

  /** Where clients connect. */
  public URI uri() {
    return uri;
  }

  /** What this mode means for the numbers. */
  public String note() {
    return note;
  }

  /** A description of the child's failure, when a started server process died. */
  public String childFailure() {
    return process == null ? null : process.failure();
  }

  /** Stops the server if the benchmark started it. */
  @Override
  public void close() throws Exception {
    if (embedded != null) {
      embedded.close();
    }
    if (process != null) {
      process.close();
    }
  }
}
