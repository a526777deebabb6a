package dev.flightlab.wire;

/** Names of the call headers that flightlab's clients send and its server reads. */
public final class FlightHeaders {
  /** Selects what an upload does to an existing dataset: replace (default), append or create. */
  public static final String PUT_MODE = "flightlab-put-mode";

  /**
   * Asks a DoGet for IPC body compression of what the server sends: {@code lz4}, {@code zstd} or
   * {@code zstd:LEVEL}.
   */
  public static final String COMPRESSION = "flightlab-compression";

  /** Carries the bearer token ({@code Bearer TOKEN}). */
  public static final String AUTHORIZATION = "authorization";

  private FlightHeaders() {}
}
