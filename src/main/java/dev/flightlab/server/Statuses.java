package dev.flightlab.server;

import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.memory.OutOfMemoryException;

/** Turns whatever a handler threw into the Flight status the client should see. */
final class Statuses {
  private Statuses() {}

  /**
   * Maps {@code t} to a Flight status; {@code what} names the call and dataset for messages that
   * would otherwise say neither.
   */
  static FlightRuntimeException toFlight(Throwable t, String what) {
    if (t instanceof FlightRuntimeException f) {
      return f;
    }
    if (t instanceof IllegalArgumentException) {
      return CallStatus.INVALID_ARGUMENT
          .withDescription(what + ": " + t.getMessage())
          .withCause(t)
          .toRuntimeException();
    }
    if (t instanceof OutOfMemoryException || t instanceof OutOfMemoryError) {
      return CallStatus.RESOURCE_EXHAUSTED
          .withDescription(what + ": out of memory: " + t.getMessage())
          .withCause(t)
          .toRuntimeException();
    }
    if (t.getCause() instanceof FlightRuntimeException f) {
      return f;
    }
    return CallStatus.INTERNAL
        .withDescription(what + ": " + t.getClass().getSimpleName() + ": " + t.getMessage())
        .withCause(t)
        .toRuntimeException();
  }

  /** INVALID_ARGUMENT for a request that does not name a dataset properly. */
  static FlightRuntimeException invalid(String message) {
    return CallStatus.INVALID_ARGUMENT.withDescription(message).toRuntimeException();
  }
}
