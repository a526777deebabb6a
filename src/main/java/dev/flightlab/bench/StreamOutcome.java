package dev.flightlab.bench;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What one stream did in one phase of one iteration. Filled in by the stream's own thread (and, for
 * latencies, by the gRPC callback thread of that stream's call, which finishes before the call
 * does); read by the runner after the stream's future completed.
 */
final class StreamOutcome {
  long startNanos;
  long endNanos;
  long rows;
  long batches;
  long calls;
  long logicalBytes;
  long ipcBodyBytes;
  long wireBodyBytes;
  long ipcStreamBytes;
  long callNanosSum;
  long cpuNanos;
  final Histogram latency = LatencyStats.newHistogram();
  final Histogram firstBatch = LatencyStats.newHistogram();

  /** Merges the streams of one phase into its result; {@code phaseStartNanos} is the gate. */
  static PhaseResult merge(
      Phase phase, long phaseStartNanos, List<StreamOutcome> streams, Histogram phaseLatencyOut) {
    long end = phaseStartNanos;
    long rows = 0;
    long batches = 0;
    long calls = 0;
    long logical = 0;
    long ipc = 0;
    long wire = 0;
    long stream = 0;
    long callNanos = 0;
    long cpu = 0;
    Histogram latency = LatencyStats.newHistogram();
    Histogram first = LatencyStats.newHistogram();
    for (StreamOutcome s : streams) {
      end = Math.max(end, s.endNanos);
      rows += s.rows;
      batches += s.batches;
      calls += s.calls;
      logical += s.logicalBytes;
      ipc += s.ipcBodyBytes;
      wire += s.wireBodyBytes;
      stream += s.ipcStreamBytes;
      callNanos += s.callNanosSum;
      cpu += s.cpuNanos;
      latency.add(s.latency);
      first.add(s.firstBatch);
    }
    if (phaseLatencyOut != null) {
      phaseLatencyOut.add(latency);
    }
    return new PhaseResult(
        phase,
        streams.size(),
        end - phaseStartNanos,
        rows,
        batches,
        calls,
        logical,
        ipc,
        wire,
        stream,
        callNanos,
        LatencyStats.of(latency),
        LatencyStats.of(first),
        cpu);
  }
}
