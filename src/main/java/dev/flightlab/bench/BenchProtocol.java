package dev.flightlab.bench;

import java.util.Locale;

/** Which Flight dialect the benchmark speaks to the server ({@code --protocol}). */
public enum BenchProtocol {
  /** flightlab's: uploads to path descriptors, downloads of the datasets they made. */
  FLIGHTLAB("flightlab", "datasets by path: DoPut stores, DoGet reads what was stored"),
  /**
   * Arrow's benchmark protocol (perf.proto, as Arrow C++'s arrow-flight-benchmark): a Perf command
   * for GetFlightInfo and DoPut, Token tickets whose rows the server generates.
   */
  ARROW_PERF(
      "arrow-perf",
      "Arrow's perf.proto: Perf command, server-generated int64x4 streams, uploads discarded");

  private final String wireName;
  private final String description;

  BenchProtocol(String wireName, String description) {
    this.wireName = wireName;
    this.description = description;
  }

  /** What this protocol does, in a few words. */
  public String description() {
    return description;
  }

  /** Parses flightlab or arrow-perf. */
  public static BenchProtocol parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (BenchProtocol p : values()) {
      if (p.wireName.equals(t)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown --protocol '" + text + "' (flightlab or arrow-perf)");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
