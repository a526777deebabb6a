package dev.flightlab.bench;

import java.util.Locale;

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
