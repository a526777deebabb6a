package dev.flightlab.server;

import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.memory.OutOfMemoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns whatever a handler threw into the Flight status the client should see. */
final class Statuses {
  private static final Logger log = LoggerFactory.getLogger(Statuses.class);

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
          .withDescription(
              what
                  + ": exceeds the memory limit (--memory-limit): "
                  + (t instanceof OutOfMemoryException
                      ? t.getMessage()
                      : "the JVM is out of memory"))
          .withCause(t)
          .toRuntimeException();
    }
    if (t.getCause() instanceof FlightRuntimeException f) {
      return f;
    }
    if (t instanceof StackOverflowError) {
      return CallStatus.INVALID_ARGUMENT
          .withDescription(what + ": the request is nested too deeply")
          .toRuntimeException();
    }
    // Our own bug: the client learns that much, the log gets the rest (no class names on the wire).
    log.warn("{} failed on a server error", what, t);
    return CallStatus.INTERNAL
        .withDescription(what + ": internal server error (logged on the server)")
        .withCause(t)
        .toRuntimeException();
  }

  /** INVALID_ARGUMENT for a request that does not name a dataset properly. */
  static FlightRuntimeException invalid(String message) {
    return CallStatus.INVALID_ARGUMENT.withDescription(message).toRuntimeException();
  }
}
