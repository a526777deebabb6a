package dev.flightlab.bench;

/**
 * What one phase of one iteration measured.
 *
 * @param phase the phase
 * @param streams concurrent streams
 * @param elapsedNanos wall-clock time from the streams' common start to the last one's end
 * @param rows rows moved (all streams)
 * @param batches record batches moved
 * @param calls RPCs made
 * @param logicalBytes bytes of values: fixed-width values, string and binary bytes, validity and
 *     offsets excluded
 * @param ipcBodyBytes Arrow IPC body bytes, uncompressed: the sum of each batch's
 *     ArrowRecordBatch.computeBodyLength (buffers padded to 8 bytes; no message headers, no gRPC
 *     framing)
 * @param wireBodyBytes IPC body bytes as sent: the compressed size when compressing, else equal to
 *     ipcBodyBytes
 * @param ipcStreamBytes bytes of the data as Arrow IPC streams (headers, bodies, end marker); the
 *     seed metric's byte count, 0 when not measured
 * @param callNanosSum the per-call times added up (the seed metric's time), 0 when not measured
 * @param latency per-sample latency (see {@link Phase#latencyKind})
 * @param firstBatch time to first batch per stream, or EMPTY when it does not apply
 * @param streamCpuNanos CPU time of the threads that ran the streams (not gRPC's own threads)
 */
public record PhaseResult(
    Phase phase,
    int streams,
    long elapsedNanos,
    long rows,
    long batches,
    long calls,
    long logicalBytes,
    long ipcBodyBytes,
    long wireBodyBytes,
    long ipcStreamBytes,
    long callNanosSum,
    LatencyStats latency,
    LatencyStats firstBatch,
    long streamCpuNanos) {

  /** What each latency sample measures, in words. */
  public String latencyKind() {
    return phase.latencyKind();
  }

  /** True when this phase moves record batches (bytes and MB/s apply). */
  public boolean movesData() {
    return batches > 0 || ipcBodyBytes > 0;
  }

  /** Wall-clock seconds. */
  public double seconds() {
    return Metrics.seconds(elapsedNanos);
  }

  /** IPC body MB/s (10^6 bytes). */
  public double ipcMBps() {
    return Metrics.megabytesPerSecond(ipcBodyBytes, elapsedNanos);
  }

  /** IPC body MiB/s (2^20 bytes). */
  public double ipcMiBps() {
    return Metrics.mebibytesPerSecond(ipcBodyBytes, elapsedNanos);
  }

  /** Logical MB/s (10^6 bytes). */
  public double logicalMBps() {
    return Metrics.megabytesPerSecond(logicalBytes, elapsedNanos);
  }

  /** Logical MiB/s (2^20 bytes). */
  public double logicalMiBps() {
    return Metrics.mebibytesPerSecond(logicalBytes, elapsedNanos);
  }

  /** Wire (as sent, possibly compressed) body MB/s. */
  public double wireMBps() {
    return Metrics.megabytesPerSecond(wireBodyBytes, elapsedNanos);
  }

  /** Rows per second. */
  public double rowsPerSecond() {
    return Metrics.perSecond(rows, elapsedNanos);
  }

  /** Record batches per second. */
  public double batchesPerSecond() {
    return Metrics.perSecond(batches, elapsedNanos);
  }

  /** RPCs per second. */
  public double callsPerSecond() {
    return Metrics.perSecond(calls, elapsedNanos);
  }

  /** The original demo's metric (MiB of IPC stream over summed DoPut time), 0 when not measured. */
  public double seedMBps() {
    return Metrics.seedMegabytesPerSecond(ipcStreamBytes, callNanosSum);
  }

  /** The headline figure: IPC body MB/s for data phases, calls/s for the others. */
  public double primary() {
    return movesData() ? ipcMBps() : callsPerSecond();
  }

  /** The headline figure's unit. */
  public String primaryUnit() {
    return movesData() ? "MB/s" : "calls/s";
  }
}
