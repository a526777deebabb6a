package dev.flightlab.wire;

/**
 * A received FlightData message broke a rule of the Arrow IPC format; the message says which, in
 * words a client can act on (no class names). Handlers answer it with INVALID_ARGUMENT.
 */
public final class InvalidFlightDataException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** An exception whose message states the rule broken. */
  public InvalidFlightDataException(String message) {
    super(message);
  }
}
