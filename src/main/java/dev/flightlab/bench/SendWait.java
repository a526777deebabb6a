package dev.flightlab.bench;

import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.arrow.flight.FlightClient;

/**
 * How a sending stream waits while gRPC's outbound buffer is full ({@code --send-wait}).
 *
 * <p>Arrow Java 19's {@code ClientStreamListener.putNext} waits by spinning on {@code isReady()}: a
 * core at 100% for as long as the receiver lags, which on a small machine takes CPU from the server
 * (in the same JVM or not). PARK checks readiness before putNext and sleeps briefly between checks,
 * as a careful client would; SPIN measures putNext exactly as Arrow ships it.
 */
public enum SendWait {
  /** Sleep ~20 us between readiness checks before each putNext (the default). */
  PARK,
  /** Call putNext at once and let it spin (Arrow Java's behaviour). */
  SPIN;

  /** How long a parked sender sleeps between readiness checks. */
  private static final long PARK_NANOS = 20_000;

  /**
   * Waits as this policy says before the next putNext on {@code stream}: PARK until gRPC can take
   * more, sleeping between checks, so that putNext's own wait (a busy spin) finds the stream ready;
   * SPIN leaves the waiting to putNext.
   *
   * @param callOver true once the call has ended (the server failed or finished it): a stream that
   *     ended is never ready again
   * @return false when the call ended: stop sending and collect its result
   */
  boolean awaitReady(FlightClient.ClientStreamListener stream, BooleanSupplier callOver) {
    if (this == PARK) {
      while (!stream.isReady()) {
        if (callOver.getAsBoolean()) {
          return false;
        }
        LockSupport.parkNanos(PARK_NANOS);
      }
    }
    return !callOver.getAsBoolean();
  }

  /** Parses park or spin. */
  public static SendWait parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown --send-wait '" + text + "' (park or spin)", e);
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
