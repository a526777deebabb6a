package dev.flightlab.bench;

import java.util.Locale;

/**
 * Which client implementation moves the data ({@code --client}).
 *
 * <p>The metadata calls always use Arrow Java's FlightClient: flightlab's data plane covers DoPut,
 * DoGet and DoExchange.
 */
public enum ClientKind {
  /**
   * flightlab's own data plane (what {@code flightlab put/get} and the demo use): its FlightData
   * codec on a gRPC channel, sending on gRPC's onReady signal, all-valid validity bitmaps left out
   * as Arrow C++ and pyarrow do, downloads and DoExchange's echoes handed over as batches without
   * loading vectors.
   */
  FLIGHTLAB("flightlab's data plane: onReady flow control, all-valid bitmaps not sent"),
  /** Arrow Java 19's FlightClient as shipped: startPut/putNext, getStream/next, doExchange. */
  ARROW("Arrow Java's FlightClient: startPut/putNext, getStream/next");

  private final String description;

  ClientKind(String description) {
    this.description = description;
  }

  /** What this client is, in a few words. */
  public String description() {
    return description;
  }

  /** Parses flightlab or arrow. */
  public static ClientKind parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown --client '" + text + "' (flightlab or arrow)", e);
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
