package dev.flightlab.server;

import dev.flightlab.jvm.MemorySizes;
import java.nio.file.Path;
import java.time.Duration;

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
    Path dataDir) {

  /** The original demo's host. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The original demo's port. */
  public static final int DEFAULT_PORT = 50051;

  /** Default for {@link #shutdownTimeout}. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  /** Default for {@link #clientWaitTimeout}. */
  public static final Duration DEFAULT_CLIENT_WAIT_TIMEOUT = Duration.ofMinutes(5);

  /** Options without a data dir (memory only). */
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
        null);
  }

  public ServerOptions {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535: " + port);
    }
    if ((tlsCertChain == null) != (tlsPrivateKey == null)) {
      throw new IllegalArgumentException("TLS needs both a certificate chain and a private key");
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
    return new ServerOptions(
        host,
        newPort,
        memoryLimitBytes,
        tlsCertChain,
        tlsPrivateKey,
        authToken,
        shutdownTimeout,
        clientWaitTimeout,
        dataDir);
  }

  /** A copy with another memory limit in bytes. */
  public ServerOptions withMemoryLimit(long bytes) {
    return new ServerOptions(
        host,
        port,
        bytes,
        tlsCertChain,
        tlsPrivateKey,
        authToken,
        shutdownTimeout,
        clientWaitTimeout,
        dataDir);
  }

  /** A copy that requires a bearer token. */
  public ServerOptions withAuthToken(String token) {
    return new ServerOptions(
        host,
        port,
        memoryLimitBytes,
        tlsCertChain,
        tlsPrivateKey,
        token,
        shutdownTimeout,
        clientWaitTimeout,
        dataDir);
  }

  /** A copy that serves TLS with the given PEM files. */
  public ServerOptions withTls(Path certChain, Path privateKey) {
    return new ServerOptions(
        host,
        port,
        memoryLimitBytes,
        certChain,
        privateKey,
        authToken,
        shutdownTimeout,
        clientWaitTimeout,
        dataDir);
  }

  /** A copy that stores datasets durably in {@code dir} (null: memory only). */
  public ServerOptions withDataDir(Path dir) {
    return new ServerOptions(
        host,
        port,
        memoryLimitBytes,
        tlsCertChain,
        tlsPrivateKey,
        authToken,
        shutdownTimeout,
        clientWaitTimeout,
        dir);
  }

  /** The memory limit in force: the configured one, or the default share of direct memory. */
  public long effectiveMemoryLimit() {
    return memoryLimitBytes > 0 ? memoryLimitBytes : MemorySizes.defaultMemoryLimit();
  }

  /** True when the server speaks TLS. */
  public boolean tls() {
    return tlsCertChain != null;
  }
}
