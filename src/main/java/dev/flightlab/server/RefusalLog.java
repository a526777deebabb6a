package dev.flightlab.server;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused calls at WARN, at most one line per peer host per interval, with the count of the
 * refusals it left out since the last line. Lines name the peer, the method and the reason, never a
 * secret.
 */
final class RefusalLog {
  private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);

  /** The default interval between two lines about one peer. */
  static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Peers remembered before the log forgets the quiet ones. */
  private static final int MAX_PEERS = 10_000;

  private final long intervalNanos;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Window> peers = new ConcurrentHashMap<>();

  private static final class Window {
    long lastLoggedNanos;
    int suppressed;
  }

  RefusalLog() {
    this(DEFAULT_INTERVAL_NANOS, System::nanoTime);
  }

  RefusalLog(long intervalNanos, LongSupplier clock) {
    this.intervalNanos = intervalNanos;
    this.clock = clock;
  }

  /** Records one refusal of a peer at {@code address} (see below). */
  void refused(SocketAddress address, String method, String reason) {
    if (address instanceof InetSocketAddress inet) {
      String host =
          inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
      refused(host, host + ":" + inet.getPort(), method, reason);
    } else {
      String peer = String.valueOf(address);
      refused(peer, peer, method, reason);
    }
  }

  /**
   * Records one refusal: logs it, or counts it when this peer host had a line within the interval.
   *
   * @param peerHost the host part of the peer's address (one window per host, whatever its port)
   * @param peer the peer's full address, as logged
   */
  void refused(String peerHost, String peer, String method, String reason) {
    long now = clock.getAsLong();
    if (peers.size() > MAX_PEERS) {
      peers.values().removeIf(w -> now - w.lastLoggedNanos > intervalNanos);
    }
    Window w = peers.computeIfAbsent(peerHost, h -> new Window());
    int suppressed;
    synchronized (w) {
      boolean first = w.lastLoggedNanos == 0 && w.suppressed == 0;
      if (!first && now - w.lastLoggedNanos < intervalNanos) {
        w.suppressed++;
        return;
      }
      suppressed = w.suppressed;
      w.suppressed = 0;
      w.lastLoggedNanos = now == 0 ? 1 : now;
    }
    if (suppressed == 0) {
      log.warn("Refused {} from {}: {}", method, peer, reason);
    } else {
      log.warn(
          "Refused {} from {}: {} ({} more refused from {} since the last line, not logged)",
          method,
          peer,
          reason,
          suppressed,
          peerHost);
    }
  }
}
