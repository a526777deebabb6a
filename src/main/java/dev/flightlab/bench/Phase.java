package dev.flightlab.bench;

import java.util.Locale;

/**
 * A timed part of an iteration: one kind of call, made on every stream at once. A workload has one
 * phase per kind of call it times ({@link Op#phases}).
 */
public enum Phase {
  /** DoPut uploads. */
  PUT("batch handed to the transport to the server's ack of it", "client to server"),
  /** DoGet downloads. */
  GET("time between consecutive batches arriving", "server to client"),
  /** DoExchange round trips: batches sent and echoed. */
  EXCHANGE("batch handed to the transport to its echo arriving", "client to server and back"),
  /** GetFlightInfo calls. */
  INFO("GetFlightInfo call", null),
  /** ListFlights calls, results read. */
  LIST("ListFlights call, results read", null),
  /** The original demo's 100 DoPuts, one after another, with its own metric. */
  SEED("one DoPut call, open to final answer", "client to server");

  private final String latencyKind;
  private final String direction;

  Phase(String latencyKind, String direction) {
    this.latencyKind = latencyKind;
    this.direction = direction;
  }

  /** What one latency sample of this phase measures, in words. */
  public String latencyKind() {
    return latencyKind;
  }

  /** Which way record batches move ("client to server"...), or null when they move none. */
  public String direction() {
    return direction;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
