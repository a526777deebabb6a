package dev.flightlab.demo;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Options of the demo scenario.
 *
 * @param server a running server to use, or null to start an embedded one on a free loopback port
 * @param batches DoPut operations in the benchmark phase (the original: 100)
 * @param rowsPerBatch rows in each benchmark table, sent as one batch (the original: 131,072)
 * @param authToken bearer token for the server, or null
 * @param trustedCertificates PEM certificates to trust for a grpc+tls server, or null
 */
public record DemoOptions(
    URI server,
    int batches,
    int rowsPerBatch,
    String authToken,
    Path trustedCertificates,
    Duration warmup) {
  /** The original demo's number of benchmark DoPuts. */
  public static final int DEFAULT_BATCHES = 100;

  /** The original demo's rows per benchmark table. */
  public static final int DEFAULT_ROWS_PER_BATCH = 131_072;

  /** Options without a warm-up of the embedded server. */
  public DemoOptions(
      URI server, int batches, int rowsPerBatch, String authToken, Path trustedCertificates) {
    this(server, batches, rowsPerBatch, authToken, trustedCertificates, Duration.ZERO);
  }

  public DemoOptions {
    if (warmup == null || warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must be 0 or more: " + warmup);
    }
    if (batches < 0) {
      throw new IllegalArgumentException("--batches must be >= 0: " + batches);
    }
    if (rowsPerBatch < 1) {
      throw new IllegalArgumentException("--rows-per-batch must be >= 1: " + rowsPerBatch);
    }
  }

  /** A copy whose embedded server warms up for {@code budget} before it listens (0: none). */
  public DemoOptions withWarmup(Duration budget) {
    return new DemoOptions(server, batches, rowsPerBatch, authToken, trustedCertificates, budget);
  }

  /** The original demo on an embedded server. */
  public static DemoOptions defaults() {
    return new DemoOptions(null, DEFAULT_BATCHES, DEFAULT_ROWS_PER_BATCH, null, null);
  }
}
