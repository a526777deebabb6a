package dev.flightlab.demo;

import dev.flightlab.client.ClientSecurity;
import java.net.URI;
import java.time.Duration;

/**
 * Options of the demo scenario.
 *
 * @param server a running server to use, or null to start an embedded one on a free loopback port
 * @param batches DoPut operations in the benchmark phase (the original: 100)
 * @param rowsPerBatch rows in each benchmark table, sent as one batch (the original: 131,072)
 * @param security the client's token, trust and client certificate
 * @param warmup how long the demo first runs uploads and downloads through a throwaway server in
 *     its own JVM, before the embedded server listens or before connecting to {@code server} (0:
 *     not at all)
 * @param prefaultBytes memory the embedded server faults in before it listens, for its first
 *     uploads (0: none; nothing with {@code server})
 */
public record DemoOptions(
    URI server,
    int batches,
    int rowsPerBatch,
    ClientSecurity security,
    Duration warmup,
    long prefaultBytes) {
  /** The original demo's number of benchmark DoPuts. */
  public static final int DEFAULT_BATCHES = 100;

  /** The original demo's rows per benchmark table. */
  public static final int DEFAULT_ROWS_PER_BATCH = 131_072;

  /** How long the demo warms up (see {@code warmup} above), unless --warmup says otherwise. */
  public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(1);

  /** Options without a warm-up or a prefault of the embedded server. */
  public DemoOptions(URI server, int batches, int rowsPerBatch, ClientSecurity security) {
    this(server, batches, rowsPerBatch, security, Duration.ZERO, 0);
  }

  public DemoOptions {
    security = security == null ? ClientSecurity.NONE : security;
    if (warmup == null || warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must be 0 or more: " + warmup);
    }
    if (prefaultBytes < 0) {
      throw new IllegalArgumentException("--prefault must be 0 or more: " + prefaultBytes);
    }
    if (batches < 0) {
      throw new IllegalArgumentException("--batches must be >= 0: " + batches);
    }
    if (rowsPerBatch < 1) {
      throw new IllegalArgumentException("--rows-per-batch must be >= 1: " + rowsPerBatch);
    }
  }

  /** A copy that warms up for {@code budget} first (0: none). */
  public DemoOptions withWarmup(Duration budget) {
    return new DemoOptions(server, batches, rowsPerBatch, security, budget, prefaultBytes);
  }

  /** A copy whose embedded server faults in {@code bytes} before it listens (0: none). */
  public DemoOptions withPrefault(long bytes) {
    return new DemoOptions(server, batches, rowsPerBatch, security, warmup, bytes);
  }

  /** The original demo on an embedded server. */
  public static DemoOptions defaults() {
    return new DemoOptions(null, DEFAULT_BATCHES, DEFAULT_ROWS_PER_BATCH, ClientSecurity.NONE);
  }
}
