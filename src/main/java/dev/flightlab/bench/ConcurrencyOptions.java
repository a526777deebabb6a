package dev.flightlab.bench;

/**
 * How many streams run at once, over how many connections.
 *
 * @param streams concurrent streams, each with its own data and thread
 * @param connections client connections the streams share (stream i uses connection i mod n)
 */
public record ConcurrencyOptions(int streams, int connections) {
  /** Every default: one stream on one connection. */
  public static final ConcurrencyOptions DEFAULTS = new ConcurrencyOptions(1, 1);

  public ConcurrencyOptions {
    if (streams < 1) {
      throw new IllegalArgumentException("--streams must be at least 1, got " + streams);
    }
    if (connections < 1) {
      throw new IllegalArgumentException("--connections must be at least 1, got " + connections);
    }
    if (connections > streams) {
      throw new IllegalArgumentException(
          "--connections ("
              + connections
              + ") is more than --streams ("
              + streams
              + "): a connection without a stream measures nothing");
    }
  }

  /** A copy with {@code streams} streams, and no more connections than streams. */
  public ConcurrencyOptions withStreams(int streams) {
    return new ConcurrencyOptions(streams, Math.min(connections, streams));
  }

  /** A copy with {@code connections} connections. */
  public ConcurrencyOptions withConnections(int connections) {
    return new ConcurrencyOptions(streams, connections);
  }
}
