package dev.flightlab.server;

import dev.flightlab.jvm.MemorySizes;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Everything {@link FlightLabServer} can be told; every default is here.
 *
 * @param host address to bind (loopback by default)
 * @param port port to bind; 0 picks a free one
 * @param memoryLimitBytes most direct memory the store may hold; 0 means the default share of the
 *     JVM's direct memory
 * @param tlsCertChain PEM certificate chain for TLS, or null for plaintext
 * @param tlsPrivateKey PEM private key for TLS, or null
 * @param authToken bearer token every call must carry, or null for no authentication
 * @param shutdownTimeout how long close() waits for calls in flight before cancelling them
 * @param clientWaitTimeout how long a DoGet waits for a client that reads nothing
 * @param endpointRows split a dataset of more rows than this into endpoints of about this many rows
 *     each (at batch boundaries), so clients can fetch them in parallel; 0 for one endpoint
 * @param advertise the location FlightInfo endpoints name (grpc://HOST:PORT, or HOST:PORT with the
 *     server's scheme), or null: the bound address, or none at all (redeem where you asked) when
 *     bound to a wildcard address
 * @param unixSocket serve on this Unix domain socket (grpc+unix://) instead of host and port, or
 *     null
 * @param tlsClientCa PEM certificates of the CA(s) that sign client certificates: with it, every
 *     client must present a certificate they signed (mutual TLS); null for none
 * @param credentials further tokens and basic-auth users accepted beside {@link #authToken}
 * @param dataDir where datasets are stored durably (docs/durability.md), or null for memory only
 */
public record ServerOptions(
    String host,
    int port,
    long memoryLimitBytes,
    Path tlsCertChain,
    Path tlsPrivateKey,
    String authToken,
    Duration shutdownTimeout,
    Duration clientWaitTimeout,
    long endpointRows,
    String advertise,
    Path unixSocket,
    Path tlsClientCa,
    Credentials credentials,
    Path dataDir) {

  /** Options without endpoint splitting, an advertised location or a Unix socket. */
  public ServerOptions(
      String host,
      int port,
      long memoryLimitBytes,
      Path tlsCertChain,
      Path tlsPrivateKey,
      String authToken,
      Duration shutdownTimeout,
      Duration clientWaitTimeout) {
    this(
        host,
        port,
        memoryLimitBytes,
        tlsCertChain,
        tlsPrivateKey,
        authToken,
        shutdownTimeout,
        clientWaitTimeout,
        0,
        null,
        null,
        null,
        Credentials.NONE,
        null);
  }

  /** The original demo's host. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The original demo's port. */
  public static final int DEFAULT_PORT = 50051;

  /**
   * The default memory limit as a size: the share of the JVM's direct memory that {@link
   * #effectiveMemoryLimit()} takes when {@link #memoryLimitBytes} is 0 (the default).
   */
  public static final String DEFAULT_MEMORY_LIMIT =
      BigDecimal.valueOf(MemorySizes.DEFAULT_DIRECT_MEMORY_SHARE * 100)
              .stripTrailingZeros()
              .toPlainString()
          + "%";

  /** Default for {@link #shutdownTimeout}. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  /** Default for {@link #clientWaitTimeout}. */
  public static final Duration DEFAULT_CLIENT_WAIT_TIMEOUT = Duration.ofMinutes(5);

  public ServerOptions {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535: " + port);
    }
    if ((tlsCertChain == null) != (tlsPrivateKey == null)) {
      throw new IllegalArgumentException("TLS needs both a certificate chain and a private key");
    }
    if (endpointRows < 0) {
      throw new IllegalArgumentException("endpoint rows must be 0 or more: " + endpointRows);
    }
    if (unixSocket != null && tlsCertChain != null) {
      throw new IllegalArgumentException("TLS over a Unix domain socket is not supported");
    }
    if (tlsClientCa != null && tlsCertChain == null) {
      throw new IllegalArgumentException(
          "--tls-client-ca needs TLS: give --tls-cert and --tls-key too");
    }
    if (credentials == null) {
      credentials = Credentials.NONE;
    }
  }

  /** Defaults: 127.0.0.1:50051, default memory limit, plaintext, no token. */
  public static ServerOptions defaults() {
    return new ServerOptions(
        DEFAULT_HOST,
        DEFAULT_PORT,
        0,
        null,
        null,
        null,
        DEFAULT_SHUTDOWN_TIMEOUT,
        DEFAULT_CLIENT_WAIT_TIMEOUT);
  }

  /** Loopback on a free port, as tests and the embedded demo server use. */
  public static ServerOptions ephemeral() {
    return defaults().withPort(0);
  }

  /** A copy with another port. */
  public ServerOptions withPort(int newPort) {
    return copy(c -> c.port = newPort);
  }

  /** A copy with another memory limit in bytes. */
  public ServerOptions withMemoryLimit(long bytes) {
    return copy(c -> c.memoryLimitBytes = bytes);
  }

  /** A copy that requires a bearer token. */
  public ServerOptions withAuthToken(String token) {
    return copy(c -> c.authToken = token);
  }

  /** A copy that serves TLS with the given PEM files. */
  public ServerOptions withTls(Path certChain, Path privateKey) {
    return copy(
        c -> {
          c.tlsCertChain = certChain;
          c.tlsPrivateKey = privateKey;
        });
  }

  /** A copy that splits datasets of more than {@code rows} rows into several endpoints. */
  public ServerOptions withEndpointRows(long rows) {
    return copy(c -> c.endpointRows = rows);
  }

  /** A copy whose FlightInfo endpoints name {@code location} (HOST:PORT or a URI). */
  public ServerOptions withAdvertise(String location) {
    return copy(c -> c.advertise = location);
  }

  /** A copy that serves on a Unix domain socket at {@code path} instead of TCP. */
  public ServerOptions withUnixSocket(Path path) {
    return copy(c -> c.unixSocket = path);
  }

  /** A copy that requires every client to present a certificate signed by a CA in {@code pem}. */
  public ServerOptions withTlsClientCa(Path pem) {
    return copy(c -> c.tlsClientCa = pem);
  }

  /** A copy that also accepts {@code more} tokens and users. */
  public ServerOptions withCredentials(Credentials more) {
    return copy(c -> c.credentials = credentials.with(more));
  }

  /** A copy that stores datasets durably in {@code dir} (null: memory only). */
  public ServerOptions withDataDir(Path dir) {
    return copy(c -> c.dataDir = dir);
  }

  /** A copy with another shutdown timeout. */
  public ServerOptions withShutdownTimeout(Duration timeout) {
    return copy(c -> c.shutdownTimeout = timeout);
  }

  /** Every credential accepted: {@link #authToken} (read-write) and {@link #credentials}. */
  public Credentials acceptedCredentials() {
    return authToken == null
        ? credentials
        : Credentials.NONE.withToken(authToken, false).with(credentials);
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "ServerOptions[host="
        + host
        + ", port="
        + port
        + ", memoryLimitBytes="
        + memoryLimitBytes
        + ", tlsCertChain="
        + tlsCertChain
        + ", tlsPrivateKey="
        + tlsPrivateKey
        + ", tlsClientCa="
        + tlsClientCa
        + ", authToken="
        + (authToken == null ? "none" : "(set)")
        + ", credentials="
        + credentials
        + ", endpointRows="
        + endpointRows
        + ", advertise="
        + advertise
        + ", unixSocket="
        + unixSocket
        + ", shutdownTimeout="
        + shutdownTimeout
        + ", clientWaitTimeout="
        + clientWaitTimeout
        + "]";
  }

  /** The memory limit in force: the configured one, or the default share of direct memory. */
  public long effectiveMemoryLimit() {
    return memoryLimitBytes > 0 ? memoryLimitBytes : MemorySizes.defaultMemoryLimit();
  }

  /** True when the server speaks TLS. */
  public boolean tls() {
    return tlsCertChain != null;
  }

  /** A copy with the components {@code change} sets. */
  private ServerOptions copy(Consumer<Components> change) {
    Components c = new Components(this);
    change.accept(c);
    return c.options();
  }

  /** The components of a copy, set one by one before the record is made once. */
  private static final class Components {
    String host;
    int port;
    long memoryLimitBytes;
    Path tlsCertChain;
    Path tlsPrivateKey;
    String authToken;
    Duration shutdownTimeout;
    Duration clientWaitTimeout;
    long endpointRows;
    String advertise;
    Path unixSocket;
    Path tlsClientCa;
    Credentials credentials;
    Path dataDir;

    Components(ServerOptions o) {
      host = o.host;
      port = o.port;
      memoryLimitBytes = o.memoryLimitBytes;
      tlsCertChain = o.tlsCertChain;
      tlsPrivateKey = o.tlsPrivateKey;
      authToken = o.authToken;
      shutdownTimeout = o.shutdownTimeout;
      clientWaitTimeout = o.clientWaitTimeout;
      endpointRows = o.endpointRows;
      advertise = o.advertise;
      unixSocket = o.unixSocket;
      tlsClientCa = o.tlsClientCa;
      credentials = o.credentials;
      dataDir = o.dataDir;
    }

    ServerOptions options() {
      return new ServerOptions(
          host,
          port,
          memoryLimitBytes,
          tlsCertChain,
          tlsPrivateKey,
          authToken,
          shutdownTimeout,
          clientWaitTimeout,
          endpointRows,
          advertise,
          unixSocket,
          tlsClientCa,
          credentials,
          dataDir);
    }
  }
}
