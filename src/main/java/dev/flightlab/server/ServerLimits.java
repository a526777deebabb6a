package dev.flightlab.server;

import java.time.Duration;

/**
 * The limits a server holds besides its memory limit ({@link ServerOptions#memoryLimitBytes});
 * every default is here.
 *
 * @param maxMessageBytes largest gRPC message accepted (a FlightData message: header, metadata and
 *     body); a larger one ends its call with RESOURCE_EXHAUSTED before any of it is buffered
 * @param maxConnections most client connections open at once; another is closed as it is accepted
 *     (the client sees UNAVAILABLE)
 * @param idleTimeout how long a connection with no call in progress stays open
 */
public record ServerLimits(long maxMessageBytes, int maxConnections, Duration idleTimeout) {
  /** Default for {@link #maxMessageBytes}: 64 MiB, 32 times a 2 MiB batch. */
  public static final long DEFAULT_MAX_MESSAGE_BYTES = 64L << 20;

  /** Default for {@link #maxConnections}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1024;

  /** Default for {@link #idleTimeout}. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

  public ServerLimits {
    if (maxMessageBytes < 1024 || maxMessageBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "max message size must be 1 KiB to 2 GiB - 1 (gRPC's own bound): " + maxMessageBytes);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("max connections must be at least 1: " + maxConnections);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
    }
  }

  /** The defaults. */
  public static ServerLimits defaults() {
    return new ServerLimits(
        DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT);
  }

  /** A copy with another largest message size. */
  public ServerLimits withMaxMessageBytes(long bytes) {
    return new ServerLimits(bytes, maxConnections, idleTimeout);
  }

  /** A copy with another connection cap. */
  public ServerLimits withMaxConnections(int connections) {
    return new ServerLimits(maxMessageBytes, connections, idleTimeout);
  }

  /** A copy with another idle timeout. */
  public ServerLimits withIdleTimeout(Duration timeout) {
    return new ServerLimits(maxMessageBytes, maxConnections, timeout);
  }
}
