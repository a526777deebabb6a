package dev.flightlab.bench;

import java.util.List;
import java.util.Locale;

/** What a benchmark run measures ({@code --op}). */
public enum Op {
  /** DoPut: each stream uploads its data, timed until the server's final answer. */
  PUT("put", true, "DoPut uploads", Phase.PUT),
  /** DoGet: each stream downloads a dataset uploaded (untimed) before the run. */
  GET("get", true, "DoGet downloads", Phase.GET),
  /** DoExchange: each stream sends its batches and reads the server's echo of each. */
  EXCHANGE("exchange", true, "DoExchange round trips", Phase.EXCHANGE),
  /** DoPut then DoGet of the same data, content verified by checksum after timing. */
  ROUNDTRIP("roundtrip", true, "DoPut then DoGet, content verified", Phase.PUT, Phase.GET),
  /** GetFlightInfo and ListFlights calls. */
  METADATA("metadata", false, "GetFlightInfo and ListFlights calls", Phase.INFO, Phase.LIST),
  /** The original demo's benchmark: 100 DoPuts of 131,072 rows, with its metric. */
  SEED("seed", true, "the original demo's 100 DoPuts of 131,072 rows", Phase.SEED);

  private final String wireName;
  private final boolean movesData;
  private final String description;
  private final List<Phase> phases;

  Op(String wireName, boolean movesData, String description, Phase... phases) {
    this.wireName = wireName;
    this.movesData = movesData;
    this.description = description;
    this.phases = List.of(phases);
  }

  /** The phases of one iteration, in the order they run. */
  public List<Phase> phases() {
    return phases;
  }

  /** The name used on the command line and in reports. */
  public String wireName() {
    return wireName;
  }

  /** True when the workload moves record batches (so bytes and MB/s mean something). */
  public boolean movesData() {
    return movesData;
  }

  /** A few words on what the workload does. */
  public String description() {
    return description;
  }

  /** Parses a command-line name such as {@code put}. */
  public static Op parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (Op op : values()) {
      if (op.wireName.equals(n)) {
        return op;
      }
    }
    throw new IllegalArgumentException(
        "unknown --op '" + name + "' (put, get, exchange, roundtrip, metadata, seed)");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
