package dev.flightlab.client;

import dev.flightlab.memory.Allocators;
import dev.flightlab.wire.FlightHeaders;
import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.NettyTransport;
import dev.flightlab.wire.PutMode;
import dev.flightlab.wire.TransportSettings;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.grpc.NettyClientBuilder;
import org.apache.arrow.memory.BufferAllocator;

/**
 * One connection to a Flight server: its gRPC channel (TLS when the location asks for it), the
 * bearer token every call carries, Arrow's client on the same channel and the allocator for what
 * the connection receives.
 */
final class Connection implements AutoCloseable {
  private static final Metadata.Key<String> COMPRESSION =
      Metadata.Key.of(FlightHeaders.COMPRESSION, Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of(FlightHeaders.AUTHORIZATION, Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> PUT_MODE =
      Metadata.Key.of(FlightHeaders.PUT_MODE, Metadata.ASCII_STRING_MARSHALLER);

  final BufferAllocator allocator;
  final ManagedChannel channel;
  final FlightClient flight;
  final Location location;
  private final NettyTransport transport;
  private final String token;
  private final CallOption[] baseOptions;

  private Connection(
      BufferAllocator allocator,
      ManagedChannel channel,
      FlightClient flight,
      Location location,
      NettyTransport transport,
      String token) {
    this.allocator = allocator;
    this.channel = channel;
    this.flight = flight;
    this.location = location;
    this.transport = transport;
    this.token = token;
    this.baseOptions = token == null ? new CallOption[0] : new CallOption[] {bearer(token)};
  }

  /**
   * Connects lazily (the first call opens the channel) on {@code transport}'s event loop, which the
   * connection closes with itself, or here when it cannot connect.
   */
  static Connection open(ClientOptions options, BufferAllocator parent, NettyTransport transport) {
    try {
      return open(toLocation(options.server()), options, parent, transport);
    } catch (RuntimeException e) {
      transport.closeQuietly();
      throw e;
    }
  }

  private static Connection open(
      Location location, ClientOptions options, BufferAllocator parent, NettyTransport transport) {
    BufferAllocator allocator =
        parent.newChildAllocator("client:" + options.server(), 0, Long.MAX_VALUE);
    try {
      boolean domainSocket = location.getUri().getScheme().equals(UNIX_SCHEME);
      NettyChannelBuilder channel;
      if (domainSocket) {
        // Arrow's builder looks for Netty 4.1's domain socket classes: built here instead, with
        // the settings it would make.
        channel =
            NettyChannelBuilder.forAddress(new DomainSocketAddress(location.getUri().getPath()))
                .maxTraceEvents(0)
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .maxInboundMetadataSize(Integer.MAX_VALUE)
                .usePlaintext();
      } else {
        NettyClientBuilder builder = new NettyClientBuilder(allocator, location);
        if (location.getUri().getScheme().equals("grpc+tls")) {
          if (options.trustedCertificates() != null) {
            // Read whole: the builder reads the stream later, in build().
            builder.trustedCertificates(
                new ByteArrayInputStream(
                    readFile(options.trustedCertificates(), "trusted certificates")));
          }
          builder.verifyServer(options.verifyServer());
          if (options.clientCertificate() != null) {
            builder.clientCertificate(
                new ByteArrayInputStream(
                    readFile(options.clientCertificate(), "client certificate")),
                new ByteArrayInputStream(readFile(options.clientKey(), "client key")));
          }
        }
        channel = builder.build();
      }
      channel
          // Retries make gRPC keep a copy of every message sent until the call ends.
          .disableRetry()
          .flowControlWindow(TransportSettings.FLOW_CONTROL_WINDOW_BYTES);
      transport.configure(channel, domainSocket);
      ManagedChannel managed = channel.build();
      FlightClient flight = FlightGrpcUtils.createFlightClient(allocator, managed);
      return new Connection(allocator, managed, flight, location, transport, options.authToken());
    } catch (RuntimeException e) {
      allocator.close();
      throw e;
    }
  }

  /** The scheme of a Unix domain socket location: grpc+unix:///path/to/socket. */
  static final String UNIX_SCHEME = "grpc+unix";

  private static byte[] readFile(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  /** See {@link FlightLabClient#toLocation(URI)}. */
  static Location toLocation(URI server) {
    URI uri = server.getScheme() == null ? URI.create("grpc://" + server) : server;
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals(UNIX_SCHEME)) {
      // grpc+unix:///abs/path, or grpc+unix://relative/path (host and path joined).
      String path =
          (uri.getAuthority() == null ? "" : uri.getAuthority())
              + (uri.getPath() == null ? "" : uri.getPath());
      if (path.isEmpty()) {
        throw new IllegalArgumentException(
            "server must look like grpc+unix:///PATH/TO/SOCKET, got '" + server + "'");
      }
      return Location.forGrpcDomainSocket(path);
    }
    if (uri.getHost() == null || uri.getPort() < 0) {
      throw new IllegalArgumentException(
          "server must look like grpc://HOST:PORT, got '" + server + "'");
    }
    return switch (scheme) {
      case "grpc", "grpc+tcp" -> Location.forGrpcInsecure(uri.getHost(), uri.getPort());
      case "grpc+tls" -> Location.forGrpcTls(uri.getHost(), uri.getPort());
      default ->
          throw new IllegalArgumentException(
              "unsupported scheme '" + scheme + "' (use grpc, grpc+tcp, grpc+tls or grpc+unix)");
    };
  }

  /** The call options of an Arrow call: the bearer token, when set, then {@code extra}. */
  CallOption[] options(CallOption... extra) {
    CallOption[] all = new CallOption[baseOptions.length + extra.length];
    System.arraycopy(baseOptions, 0, all, 0, baseOptions.length);
    System.arraycopy(extra, 0, all, baseOptions.length, extra.length);
    return all;
  }

  /**
   * The call headers of a data call: the bearer token, the put mode of an upload (null or REPLACE
   * sends none) and the compression a download asks for.
   */
  Metadata headers(PutMode mode, IpcCompression compression) {
    Metadata headers = new Metadata();
    if (compression.enabled()) {
      headers.put(COMPRESSION, compression.toString());
    }
    if (token != null) {
      headers.put(AUTHORIZATION, "Bearer " + token);
    }
    if (mode != null && mode != PutMode.REPLACE) {
      headers.put(PUT_MODE, mode.wireName());
    }
    return headers;
  }

  /** Closes Arrow's client, the event loop and the allocator. */
  @Override
  public void close() throws InterruptedException {
    try {
      flight.close();
    } finally {
      try {
        // Messages gRPC had not written yet are released on the event loop, before it stops.
        transport.close();
      } finally {
        Allocators.closeWhenDrained(allocator, Duration.ofSeconds(5));
      }
    }
  }

  private static CallOption bearer(String token) {
    FlightCallHeaders headers = new FlightCallHeaders();
    headers.insert(FlightHeaders.AUTHORIZATION, "Bearer " + token);
    return new HeaderCallOption(headers);
  }
}
